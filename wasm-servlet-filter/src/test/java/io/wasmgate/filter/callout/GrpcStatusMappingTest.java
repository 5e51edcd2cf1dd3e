package io.wasmgate.filter.callout;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrpcStatusMappingTest {
    @ParameterizedTest
    @CsvSource({"400, 13", "401, 16", "403, 7", "404, 12", "429, 14", "502, 14", "503, 14", "504, 14", "500, 2", "302, 2"})
    void anHttpAnswerThatIsNotGrpcMapsByTheGrpcTable(int httpStatus, int grpcStatus) {
        assertThat(GrpcStatusMapping.fromHttpStatus(httpStatus))
                .isEqualTo(new GrpcStatus(grpcStatus, "HTTP status code " + httpStatus));
    }

    @Test
    void transportFailuresAreUnavailableAndTheDeadlineIsDeadlineExceeded() {
        assertThat(GrpcStatusMapping.fromFailure(new ConnectException("Connection refused")))
                .isEqualTo(new GrpcStatus(14, "connection refused"));
        assertThat(GrpcStatusMapping.fromFailure(new SocketTimeoutException("connect timeout")))
                .isEqualTo(new GrpcStatus(14, "connect timeout"));
        assertThat(GrpcStatusMapping.fromFailure(new ClosedChannelException())).isEqualTo(new GrpcStatus(14, "reset"));
        assertThat(GrpcStatusMapping.fromFailure(new TimeoutException("Total timeout 300 ms elapsed")))
                .isEqualTo(new GrpcStatus(4, "deadline exceeded"));
        assertThat(GrpcStatusMapping.fromFailure(new IllegalStateException(new GrpcProtocolException(new GrpcStatus(8, "big")))))
                .isEqualTo(new GrpcStatus(8, "big"));
    }

    @Test
    void trailersGiveTheStatusAndThePercentDecodedMessage() {
        HttpFields trailers = HttpFields.build().add("grpc-status", "7").add("grpc-message", "denied: %C3%BCber 100%25 %zz");

        assertThat(GrpcStatusMapping.fromTrailers(trailers)).isEqualTo(new GrpcStatus(7, "denied: über 100% %zz"));
    }

    @Test
    void trailersWithoutAUsableStatusAreUnknown() {
        assertThat(GrpcStatusMapping.fromTrailers(null).code()).isEqualTo(2);
        assertThat(GrpcStatusMapping.fromTrailers(HttpFields.build().add("x", "y")).code()).isEqualTo(2);
        assertThat(GrpcStatusMapping.fromTrailers(HttpFields.build().add("grpc-status", "seven")).code()).isEqualTo(2);
        assertThat(GrpcStatusMapping.fromTrailers(HttpFields.build().add("grpc-status", "0"))).isEqualTo(new GrpcStatus(0, ""));
    }

    @Test
    void aTruncatedEscapeIsKeptAsItIs() {
        assertThat(GrpcStatusMapping.percentDecode("50%")).isEqualTo("50%");
        assertThat(GrpcStatusMapping.percentDecode("50%2")).isEqualTo("50%2");
        assertThat(GrpcStatusMapping.percentDecode("plain")).isEqualTo("plain");
    }
}

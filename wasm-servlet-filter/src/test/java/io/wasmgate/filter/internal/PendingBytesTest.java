package io.wasmgate.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The response body bytes the application wrote, held until the run takes them. */
class PendingBytesTest {
    private final PendingBytes pending = new PendingBytes();

    @Test
    void aBodyWrittenWholeIsTakenAsWrittenAndLaterWritesLeaveItAlone() {
        byte[] source = bytes("--hello--");
        pending.write(source, 2, 5);
        source[3] = 'X';

        byte[] taken = pending.take();
        pending.write(bytes("world"), 0, 5);

        assertThat(taken).isEqualTo(bytes("hello"));
    }

    @Test
    void piecesAreTakenTogetherInTheOrderTheyWereWritten() {
        pending.write(bytes("ab"), 0, 2);
        pending.write(bytes("cde"), 0, 3);
        pending.write(bytes("f"), 0, 1);

        assertThat(pending.size()).isEqualTo(6);
        assertThat(pending.take()).isEqualTo(bytes("abcdef"));
    }

    @Test
    void whatWasTakenIsNotTakenAgain() {
        pending.write(bytes("abc"), 0, 3);
        pending.take();
        pending.write(bytes("de"), 0, 2);

        assertThat(pending.take()).isEqualTo(bytes("de"));
        assertThat(pending.size()).isZero();
        assertThat(pending.take()).isEmpty();
    }

    @Test
    void resetDropsWhatIsHeld() {
        pending.write(bytes("abcdefgh"), 0, 8);
        pending.reset();
        pending.write(bytes("xy"), 0, 2);

        assertThat(pending.take()).isEqualTo(bytes("xy"));
    }

    @Test
    void aWriteBeyondItsSourceFailsAndHoldsNothing() {
        assertThatThrownBy(() -> pending.write(bytes("abc"), 2, 2)).isInstanceOf(IndexOutOfBoundsException.class);

        assertThat(pending.size()).isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

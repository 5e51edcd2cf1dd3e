package io.wasmgate.gateway.proxy;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The one servlet of the gateway's context: hands every dispatch of a request (the first, and the async
 * dispatches of a plugin that resumes it) to the {@link Route} the {@link GatewayHandler} matched.
 */
public final class RouteServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Route route = (Route) request.getAttribute(Route.ATTRIBUTE);
        if (route == null) {
            throw new ServletException("no route on the request: the GatewayHandler must be in front of this servlet");
        }
        route.handle(request, response);
    }
}

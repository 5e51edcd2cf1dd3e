package io.wasmgate.filter.internal;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The multipart configuration the container holds for the servlet a request went to, so that parts parsed
 * behind the filter keep the container's limits: Jetty's request attribute, Tomcat's registration of the
 * servlet, or the servlet class's {@link MultipartConfig} annotation. The servlet API has no getter for
 * it, hence the container-specific look-ups; none found means the servlet takes no multipart requests.
 */
final class MultipartConfigLookup {
    private static final String JETTY_ATTRIBUTE = "org.eclipse.jetty.multipartConfig";

    private MultipartConfigLookup() {}

    static Optional<MultipartConfigElement> find(HttpServletRequest request) {
        if (request.getAttribute(JETTY_ATTRIBUTE) instanceof MultipartConfigElement jetty) {
            return Optional.of(jetty);
        }
        HttpServletMapping mapping = request.getHttpServletMapping();
        String servlet = mapping == null ? null : mapping.getServletName();
        ServletRegistration registration = servlet == null ? null : request.getServletContext().getServletRegistration(servlet);
        if (registration == null) {
            return Optional.empty();
        }
        return fromRegistration(registration).or(() -> fromAnnotation(registration));
    }

    /** Tomcat keeps the element on the registration's wrapper ({@code Wrapper#getMultipartConfigElement}). */
    private static Optional<MultipartConfigElement> fromRegistration(ServletRegistration registration) {
        try {
            Field field = registration.getClass().getDeclaredField("wrapper");
            field.setAccessible(true);
            Object wrapper = field.get(registration);
            Method getter = wrapper.getClass().getMethod("getMultipartConfigElement");
            return Optional.ofNullable((MultipartConfigElement) getter.invoke(wrapper));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<MultipartConfigElement> fromAnnotation(ServletRegistration registration) {
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            MultipartConfig annotation = Class.forName(registration.getClassName(), false, loader)
                    .getAnnotation(MultipartConfig.class);
            return Optional.ofNullable(annotation).map(MultipartConfigElement::new);
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }
}

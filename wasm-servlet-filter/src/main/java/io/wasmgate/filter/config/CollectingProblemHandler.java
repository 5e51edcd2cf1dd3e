package io.wasmgate.filter.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import java.io.IOException;

/**
 * Lets Jackson bind the whole file despite mistakes: a value of the wrong type is recorded with its line
 * and skipped, so every problem is reported at once. (Unknown keys are found by {@link KeyChecker}.)
 */
final class CollectingProblemHandler extends DeserializationProblemHandler {
    private final ConfigProblems problems;

    CollectingProblemHandler(ConfigProblems problems) {
        this.problems = problems;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
            String failureMsg) {
        JsonParser p = ctxt.getParser();
        JsonStreamContext context = p.getParsingContext();
        problems.addAt(p.currentTokenLocation().getLineNr(), entry(context), propertyName(context), valueToConvert,
                "expected " + describe(targetType));
        return null;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
            String failureMsg) throws IOException {
        JsonStreamContext context = t.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
        int line = p.currentTokenLocation().getLineNr();
        p.skipChildren();
        problems.addAt(line, entry(context), propertyName(context), null,
                "expected " + describe(targetType.getRawClass()) + ", found " + found(t));
        return null;
    }

    /** The dotted key of the value being read in {@code context}, relative to its entry: {@code limits.memory}. */
    private static String propertyName(JsonStreamContext context) {
        StringBuilder name = new StringBuilder(context.getCurrentName() == null ? "" : context.getCurrentName());
        for (JsonStreamContext c = context; !isEntry(c) && c.getParent() != null && c.getParent().inObject(); ) {
            c = c.getParent();
            name.insert(0, c.getCurrentName() + ".");
        }
        return name.toString();
    }

    /** The list entry (e.g. {@code plugins[0]}) enclosing {@code context}, or the top level as empty. */
    private static String entry(JsonStreamContext context) {
        for (JsonStreamContext c = context; c != null; c = c.getParent()) {
            if (isEntry(c)) {
                JsonStreamContext list = c.getParent();
                return list.getParent().getCurrentName() + "[" + list.getCurrentIndex() + "]";
            }
        }
        return "";
    }

    /** An object directly inside a top-level list: {@code plugins[0]}, {@code clusters[1]}. */
    private static boolean isEntry(JsonStreamContext c) {
        JsonStreamContext list = c.getParent();
        return c.inObject() && list != null && list.inArray() && list.getParent() != null && list.getParent().inObject()
                && list.getParent().getParent() != null && list.getParent().getParent().inRoot();
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        } else if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        } else if (type == String.class) {
            return "a text value";
        } else if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys";
    }

    private static String found(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a mapping";
            case VALUE_STRING -> "a text value";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }
}

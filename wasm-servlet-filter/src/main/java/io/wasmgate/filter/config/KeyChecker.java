package io.wasmgate.filter.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the keys a file has that its record schema does not, each with its line. Jackson reports unknown
 * record properties only after buffering them, without their place in the file, so the keys are checked
 * in a pass of their own over the same text, walking the records' components ({@code rootId} is
 * {@code root_id}). Values typed as maps or JSON are free-form.
 */
final class KeyChecker {
    private final JsonFactory factory;
    private final ConfigProblems problems;

    KeyChecker(JsonFactory factory, ConfigProblems problems) {
        this.factory = factory;
        this.problems = problems;
    }

    void check(byte[] text, Class<?> schema) throws IOException {
        try (JsonParser parser = factory.createParser(text)) {
            if (parser.nextToken() != null) {
                value(parser, schema, "", "");
            }
        }
    }

    /** Checks the value at the parser's current token against {@code type}; {@code entry} is e.g. {@code plugins[0]}. */
    private void value(JsonParser parser, Type type, String entry, String property) throws IOException {
        Class<?> raw = raw(type);
        if (parser.currentToken() == JsonToken.START_OBJECT && raw.isRecord()) {
            Map<String, Type> keys = keys(raw);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int line = parser.currentTokenLocation().getLineNr();
                parser.nextToken();
                String name = property.isEmpty() ? key : property + "." + key;
                Type keyType = keys.get(key);
                if (keyType == null) {
                    problems.addAt(line, entry, name, null, "unknown key");
                    parser.skipChildren();
                } else {
                    value(parser, keyType, entry, name);
                }
            }
        } else if (parser.currentToken() == JsonToken.START_ARRAY && List.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
                String item = property + "[" + i + "]";
                boolean topLevelList = entry.isEmpty() && !property.contains(".");
                value(parser, element, topLevelList ? item : entry, topLevelList ? "" : item);
            }
        } else {
            parser.skipChildren();
        }
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
    }

    private static Map<String, Type> keys(Class<?> record) {
        Map<String, Type> keys = new HashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            keys.put(snakeCase(component.getName()), component.getGenericType());
        }
        return keys;
    }

    /** Jackson's SNAKE_CASE for these names: {@code maxBufferedBody} is {@code max_buffered_body}. */
    private static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

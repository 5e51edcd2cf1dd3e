package io.wasmgate.filter.config;

/**
 * One problem found in a configuration file.
 *
 * @param where the entry it concerns, e.g. {@code plugins[0] 'auth'}, or empty for the file itself
 * @param property the key, dotted below the entry, e.g. {@code limits.memory}; empty if none
 * @param value the offending value as written, or {@code null} if there is none to show
 * @param reason what is wrong
 * @param line the 1-based line in the file, or 0 if unknown
 */
public record ConfigProblem(String where, String property, String value, String reason, int line) {
    /** One line for humans: {@code plugins[0] 'auth': limits.memory = '12XB': not a size (line 7)}. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (!where.isEmpty()) {
            text.append(where).append(": ");
        }
        if (!property.isEmpty()) {
            text.append(property);
            if (value != null) {
                text.append(" = '").append(value).append('\'');
            }
            text.append(": ");
        }
        text.append(reason);
        if (line > 0) {
            text.append(" (line ").append(line).append(')');
        }
        return text.toString();
    }
}

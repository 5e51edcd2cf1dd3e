package io.wasmgate.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Each Wasm benchmark divided by its baseline measured in the same run: a row's baseline is the named
 * benchmark whose parameters equal the row's on every key they share (the engine aside, which baselines
 * do not have), after the rule's fixed values. Errors are JMH's 99.9% half-widths, combined for a ratio
 * as relative errors in quadrature.
 */
final class Ratios {
    /** A bound on one request's lifecycle through a policy on the compiler, from the issue that set it. */
    private record Target(String issue, String policy, double upperUs, String what) {}

    private static final List<Target> TARGETS = List.of(
            new Target("issue 8", "add-header", 5.0, "add-header full lifecycle"),
            new Target("issue 19", "host-add-header", 0.65, "add-header's host path (the lifecycle with only its hostcall)"));

    private record Rule(String section, String row, Map<String, String> rowFilter, String baseline,
            Map<String, String> baselineFixed, String meaning) {}

    private static final List<Rule> RULES = List.of(
            new Rule("Full request lifecycle", "LifecycleBenchmark.request", Map.of(), "NativeFilterBenchmark.request", Map.of(),
                    "plugin vs the same work as a plain Java filter"),
            new Rule("Full request lifecycle", "LifecycleBenchmark.request", Map.of("policy", "host-add-header"),
                    "LifecycleBenchmark.request", Map.of("policy", "noop"), "add-header's hostcall vs the no-op guest"),
            new Rule("Full request lifecycle", "LifecycleBenchmark.request", Map.of("engine", "INTERPRETER"),
                    "LifecycleBenchmark.request", Map.of("engine", "COMPILER"), "interpreter vs compiler"),
            new Rule("SDK-built modules", "SdkModuleBenchmark.request", Map.of(), "LifecycleBenchmark.request",
                    Map.of("engine", "COMPILER", "policy", "add-header"), "SDK http_headers example vs the add-header policy, compiler"),
            new Rule("SDK-built modules", "SdkModuleBenchmark.request", Map.of(), "NativeFilterBenchmark.request",
                    Map.of("policy", "add-header"), "SDK http_headers example vs a plain Java add-header filter"),
            new Rule("SDK-built modules", "SdkModuleHugeMethodsBenchmark.request", Map.of(), "SdkModuleBenchmark.request", Map.of(),
                    "with -XX:-DontCompileHugeMethods vs without, same module"),
            new Rule("SDK-built modules", "SdkModuleColdCacheBenchmark.request", Map.of(), "SdkModuleHugeMethodsBenchmark.request",
                    Map.of(), "caches evicted before each request (as in a gateway under load) vs warm, same module"),
            new Rule("VM pool under 2 threads", "PoolBenchmark.request", Map.of("instances", "1"), "PoolBenchmark.request",
                    Map.of("instances", "2"), "2 threads on 1 instance vs on 2 instances"),
            new Rule("VM pool under 2 threads", "PoolBenchmark.request", Map.of("instances", "2"), "LifecycleBenchmark.request",
                    Map.of(), "2 threads on 2 instances vs 1 thread alone, same policy"),
            new Rule("Header maps", "HeaderMapBenchmark.readPairs", Map.of(), "HeaderMapBenchmark.callbackOnly", Map.of(),
                    "get_header_map_pairs + guest walk vs the bare callback"),
            new Rule("Header maps", "HeaderMapBenchmark.readPairs", Map.of(), "HeaderCodecBenchmark.nativeRead", Map.of(),
                    "vs Java reading every header"),
            new Rule("Header maps", "HeaderMapBenchmark.roundTrip", Map.of(), "HeaderMapBenchmark.roundTripFloor", Map.of(),
                    "get + set pairs vs the same short stream on the no-op"),
            new Rule("Header maps", "HeaderCodecBenchmark.encode", Map.of(), "HeaderCodecBenchmark.nativeRead", Map.of(),
                    "Java codec alone (encode) vs Java reading every header"),
            new Rule("Body chunks", "BodyBenchmark.read", Map.of(), "BodyBenchmark.callbackOnly", Map.of(),
                    "get_buffer_bytes + guest sum vs the bare callback"),
            new Rule("Body chunks", "BodyBenchmark.read", Map.of(), "BodyBaselineBenchmark.nativeRead", Map.of(),
                    "vs Java summing the chunk"),
            new Rule("Body chunks", "BodyBenchmark.rewrite", Map.of(), "BodyBenchmark.callbackOnly", Map.of(),
                    "get + set_buffer_bytes vs the bare callback"),
            new Rule("Body chunks", "BodyBenchmark.rewrite", Map.of(), "BodyBaselineBenchmark.nativeRewrite", Map.of(),
                    "vs Java copying the chunk"),
            new Rule("Shared data CAS", "SharedDataBenchmark.contended", Map.of(), "SharedDataBaselineBenchmark.contended", Map.of(),
                    "guest CAS increment vs Java on the same store, 2 threads"),
            new Rule("Shared data CAS", "SharedDataBenchmark.uncontended", Map.of(), "SharedDataBaselineBenchmark.uncontended", Map.of(),
                    "same, 1 thread"),
            new Rule("Instance creation", "InstanceBenchmark.instantiate", Map.of(), "InstanceBenchmark.startPlugin", Map.of(),
                    "instance from loaded code vs load + compile + instantiate"),
            new Rule("Instance creation", "InstanceBenchmark.loadModule", Map.of(), "InstanceBenchmark.startPlugin", Map.of(),
                    "load (+ compile) alone vs the whole start"),
            new Rule("Instance creation", "InstanceBenchmark.loadCached", Map.of(), "InstanceBenchmark.loadModule", Map.of(),
                    "a load the code cache answers vs a real load"));

    private Ratios() {}

    static String markdown(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder("## Ratios to baselines measured in the same run\n");
        String section = null;
        for (Rule rule : RULES) {
            List<String> rows = rows(rule, results);
            if (rows.isEmpty()) {
                continue;
            }
            if (!rule.section().equals(section)) {
                section = rule.section();
                out.append("\n### ").append(section).append("\n");
            }
            out.append("\n").append(rule.row()).append(" / ").append(rule.baseline()).append(": ").append(rule.meaning()).append("\n\n");
            out.append("| params | score | baseline | ratio | difference |\n| --- | ---: | ---: | ---: | ---: |\n");
            rows.forEach(row -> out.append(row).append("\n"));
        }
        for (Target target : TARGETS) {
            target(results, target).ifPresent(line -> out.append("\n").append(line).append("\n"));
        }
        return out.toString();
    }

    private static List<String> rows(Rule rule, Collection<RunResult> results) {
        List<String> rows = new ArrayList<>();
        for (RunResult row : results) {
            BenchmarkParams params = row.getParams();
            if (!name(params).equals(rule.row()) || !matches(params, rule.rowFilter())) {
                continue;
            }
            baselineOf(rule, params, results).ifPresent(base -> rows.add(format(params, row.getPrimaryResult(), base.getPrimaryResult())));
        }
        return rows;
    }

    private static Optional<RunResult> baselineOf(Rule rule, BenchmarkParams row, Collection<RunResult> results) {
        for (RunResult candidate : results) {
            BenchmarkParams params = candidate.getParams();
            if (!name(params).equals(rule.baseline()) || !params.getMode().equals(row.getMode())) {
                continue;
            }
            boolean same = true;
            for (String key : params.getParamsKeys()) {
                String wanted = rule.baselineFixed().containsKey(key) ? rule.baselineFixed().get(key) : row.getParam(key);
                if (wanted != null && !wanted.equals(params.getParam(key))) {
                    same = false;
                }
            }
            if (same) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String format(BenchmarkParams params, Result<?> row, Result<?> base) {
        double ratio = row.getScore() / base.getScore();
        double error = ratio * Math.hypot(relative(row), relative(base));
        String unit = row.getScoreUnit();
        return String.format(Locale.ROOT, "| %s | %s | %s | %s ± %s | %s %s |", describe(params), score(row), score(base),
                number(ratio), number(error), number(row.getScore() - base.getScore()), unit);
    }

    private static Optional<String> target(Collection<RunResult> results, Target target) {
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            if (name(params).equals("LifecycleBenchmark.request") && "COMPILER".equals(params.getParam("engine"))
                    && target.policy().equals(params.getParam("policy")) && result.getPrimaryResult().getScoreUnit().equals("us/op")) {
                double score = result.getPrimaryResult().getScore();
                double upper = score + result.getPrimaryResult().getScoreError();
                return Optional.of(String.format(Locale.ROOT, "Target (%s): %s on the compiler within %.2f us: %s us/op (upper bound %s) -> %s",
                        target.issue(), target.what(), target.upperUs(), number(score), number(upper),
                        upper <= target.upperUs() ? "MET" : score <= target.upperUs() ? "MET (within error)" : "MISSED"));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(BenchmarkParams params, Map<String, String> filter) {
        return filter.entrySet().stream().allMatch(e -> e.getValue().equals(params.getParam(e.getKey())));
    }

    /** {@code LifecycleBenchmark.request} from the fully qualified benchmark name. */
    private static String name(BenchmarkParams params) {
        String full = params.getBenchmark();
        int method = full.lastIndexOf('.');
        int type = full.lastIndexOf('.', method - 1);
        return full.substring(type + 1);
    }

    private static String describe(BenchmarkParams params) {
        String text = params.getParamsKeys().stream().map(k -> k + "=" + params.getParam(k)).collect(Collectors.joining(", "));
        return text.isEmpty() ? "-" : text;
    }

    private static double relative(Result<?> result) {
        double error = result.getScoreError();
        return Double.isNaN(error) || result.getScore() == 0 ? 0 : error / result.getScore();
    }

    private static String score(Result<?> result) {
        String error = Double.isNaN(result.getScoreError()) ? "" : " ± " + number(result.getScoreError());
        return number(result.getScore()) + error + " " + result.getScoreUnit();
    }

    /** Three significant digits, never scientific notation. */
    static String number(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        } else if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        } else if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        } else if (magnitude >= 0.01) {
            return String.format(Locale.ROOT, "%.3f", value);
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }
}

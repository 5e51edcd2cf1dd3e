// access-log: a log-only policy. In proxy_on_log it writes one line per request at info level:
//   access <request.method> <request.path> <response.code>
// reading the three attributes with proxy_get_property; an attribute the host does not have is "-".
// Root id: "" (the default). Configuration: none.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import { RootContext, Context, registerRootContext, log, LogLevelValues } from "@solo-io/proxy-runtime";
import { text, integer } from "../shared/properties";

class AccessLogRoot extends RootContext {
  onConfigure(configuration_size: u32): bool {
    return true;
  }

  createContext(context_id: u32): Context {
    return new AccessLog(context_id, this);
  }
}

class AccessLog extends Context {
  onLog(): void {
    log(LogLevelValues.info, "access " + text("request.method") + " " + text("request.path") + " "
      + integer("response.code"));
  }
}

registerRootContext((context_id: u32): RootContext => new AccessLogRoot(context_id), "");

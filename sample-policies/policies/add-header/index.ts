// add-header: adds configured headers to every HTTP response.
//
// Root id: "add_header" (also registered under "", the root id a host uses when none is configured).
// Plugin configuration: plain text, one `name: value` per line. Blank lines are ignored, names are
// lower-cased, and names and values are trimmed. A non-blank line without a name before a ':' makes
// onConfigure return false, so the host rejects the configuration. An empty configuration means
// the single header `x-wasmgate: hello`.
//
// The configuration is read in onConfigure with get_buffer_bytes rather than the SDK's default
// onConfigure (which passes the configuration size where the ABI expects a size pointer).

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues,
  log, LogLevelValues,
} from "@solo-io/proxy-runtime";
import { get_buffer_bytes, BufferTypeValues, add_header_map_value, HeaderMapTypeValues } from "@solo-io/proxy-runtime/runtime";

// Names and values are encoded to UTF-8 once, when the configuration is read, not on every response.
class Header {
  name: ArrayBuffer;
  value: ArrayBuffer;
  constructor(name: string, value: string) {
    this.name = String.UTF8.encode(name);
    this.value = String.UTF8.encode(value);
  }
}

class AddHeaderRoot extends RootContext {
  headers: Header[] = [new Header("x-wasmgate", "hello")];

  onConfigure(configuration_size: u32): bool {
    let text = "";
    if (configuration_size > 0) {
      text = String.UTF8.decode(get_buffer_bytes(BufferTypeValues.PluginConfiguration, 0, configuration_size));
    }
    const headers: Header[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line.length == 0) continue;
      const colon = line.indexOf(":");
      const name = colon > 0 ? line.substring(0, colon).trim().toLowerCase() : "";
      if (name.length == 0) {
        log(LogLevelValues.error, "add-header: bad configuration line (want `name: value`): " + line);
        return false;
      }
      headers.push(new Header(name, line.substring(colon + 1).trim()));
    }
    if (headers.length == 0) headers.push(new Header("x-wasmgate", "hello"));
    this.headers = headers;
    return true;
  }

  createContext(context_id: u32): Context {
    return new AddHeader(context_id, this);
  }
}

class AddHeader extends Context {
  constructor(context_id: u32, private root: AddHeaderRoot) {
    super(context_id, root);
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const configured = this.root.headers;
    for (let i = 0; i < configured.length; i++) {
      const header = configured[i];
      add_header_map_value(HeaderMapTypeValues.ResponseHeaders, header.name, header.value);
    }
    return FilterHeadersStatusValues.Continue;
  }
}

function newRoot(context_id: u32): RootContext {
  return new AddHeaderRoot(context_id);
}
registerRootContext(newRoot, "add_header");
registerRootContext(newRoot, "");

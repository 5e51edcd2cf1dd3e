// request-counter: counts requests across every VM instance of the plugin, with the host services.
//
// Root id: "request_counter" (also registered under "", the root id a host uses when none is configured).
// Configuration: none.
//
// - onConfigure defines the counter metric "request_counter.requests" and the gauge
//   "request_counter.total", creates the shared-data key "request_counter.total" (decimal text) with "0"
//   if it is absent, and starts a 20 ms tick.
// - Every request (proxy_on_request_headers) increments the counter and adds 1 to the shared total with
//   compare-and-swap: read the value and its CAS, write value + 1 with that CAS, and start again on
//   CAS_MISMATCH. The total this request made is sent back as the response header x-request-count.
// - Every tick records the shared total into the gauge, so the gauge shows the requests of every instance.
//
// The SDK's shared-data wrappers pass the wrong arguments (get_shared_data hands the host a value buffer
// where the ABI wants a pointer slot, set_shared_data the slots where it wants the value), so the raw
// imports are called here.

export * from "@solo-io/proxy-runtime/proxy"; // the proxy-wasm exports the host calls
import {
  RootContext, Context, registerRootContext, FilterHeadersStatusValues, stream_context, Counter,
  WasmResultValues,
} from "@solo-io/proxy-runtime";
import { Reference } from "@solo-io/proxy-runtime/runtime";
import {
  proxy_get_shared_data, proxy_set_shared_data, proxy_define_metric, proxy_record_metric,
  proxy_set_tick_period_milliseconds,
} from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";

const TOTAL_KEY = "request_counter.total";
const GAUGE_TYPE = 1;

const valuePtr = new Reference<usize>();
const valueSize = new Reference<usize>();
const casRef = new Reference<u32>();

class Shared {
  constructor(public found: bool, public value: u32, public cas: u32) {}
}

// The shared total and its CAS; aborts on anything but OK or NOT_FOUND.
function readTotal(): Shared {
  const key = String.UTF8.encode(TOTAL_KEY);
  const result = proxy_get_shared_data(changetype<usize>(key), key.byteLength, valuePtr.ptr(), valueSize.ptr(),
    casRef.ptr());
  if (result == WasmResultValues.NotFound) return new Shared(false, 0, 0);
  if (result != WasmResultValues.Ok) throw new Error("proxy_get_shared_data failed: " + result.toString());
  let value: u32 = 0;
  const size = valueSize.data;
  for (let i: usize = 0; i < size; i++) {
    value = value * 10 + (load<u8>(valuePtr.data + i) - 48);
  }
  if (size > 0) free(valuePtr.data); // the host filled a buffer it got from malloc
  return new Shared(true, value, casRef.data);
}

function writeTotal(value: u32, cas: u32): u32 {
  const key = String.UTF8.encode(TOTAL_KEY);
  const text = String.UTF8.encode(value.toString());
  return proxy_set_shared_data(changetype<usize>(key), key.byteLength, changetype<usize>(text), text.byteLength, cas);
}

// Adds 1 to the shared total and returns the new total.
function incrementTotal(): u32 {
  while (true) {
    const current = readTotal();
    const next = current.value + 1;
    const result = writeTotal(next, current.cas);
    if (result == WasmResultValues.Ok) return next;
    if (result != WasmResultValues.CasMismatch) throw new Error("proxy_set_shared_data failed: " + result.toString());
  }
  return 0;
}

class RequestCounterRoot extends RootContext {
  requests: Counter | null = null;
  totalGauge: u32 = 0;

  onConfigure(configuration_size: u32): bool {
    this.requests = new Counter("request_counter.requests");
    const name = String.UTF8.encode("request_counter.total");
    const id = new Reference<u32>();
    if (proxy_define_metric(GAUGE_TYPE, changetype<usize>(name), name.byteLength, id.ptr()) != WasmResultValues.Ok) {
      return false;
    }
    this.totalGauge = id.data;
    // Instances start one after another, so only the first finds the key absent.
    if (!readTotal().found && writeTotal(0, 0) != WasmResultValues.Ok) return false;
    proxy_set_tick_period_milliseconds(20);
    return true;
  }

  onTick(): void {
    proxy_record_metric(this.totalGauge, readTotal().value);
  }

  createContext(context_id: u32): Context {
    return new RequestCounter(context_id, this);
  }
}

class RequestCounter extends Context {
  total: u32 = 0;

  constructor(context_id: u32, private root: RequestCounterRoot) {
    super(context_id, root);
  }

  onRequestHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    (this.root.requests as Counter).increment(1);
    this.total = incrementTotal();
    return FilterHeadersStatusValues.Continue;
  }

  onResponseHeaders(headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add("x-request-count", this.total.toString());
    return FilterHeadersStatusValues.Continue;
  }
}

function newRoot(context_id: u32): RootContext {
  return new RequestCounterRoot(context_id);
}
registerRootContext(newRoot, "request_counter");
registerRootContext(newRoot, "");

#!/usr/bin/env python3
# What-if experiments behind the proposals in bench/RESULTS.md ("Hot spots"). NOT part of the build.
#
# Copies abi/src/main/java to OUT, applies the named patches (comma list) to the copy, nothing else.
# The patched classes are then compiled and put in front of the benchmarks jar, so JMH runs the same
# benchmarks against the patched host core, e.g.:
#
#   cp -r abi/src/main/java /tmp/abi-exp/src && cd /tmp/abi-exp
#   python3 .../2026-11-26-abi-experiments.py guard,ctx,log,ftimer v1.src
#   mkdir v1 && javac -nowarn -d v1 -cp bench/target/benchmarks.jar $(find v1.src -name '*.java')
#   java -cp v1:bench/target/benchmarks.jar org.openjdk.jmh.Main LifecycleBenchmark -p engine=COMPILER
#
# Patches: metrics (timer found by Callback ordinal), notimer (no per-callback timer at all: an upper
# bound), guard (lock-free CallWatchdog.Guard), ctx (no containsKey per new context id until ids wrap;
# Callouts.cancelFrom returns at once when nothing is pending), log (proxy_log checks the level before
# decoding), ftimer (per-callback FunctionTimer over two LongAdders, by ordinal), codec (Latin-1 bytes
# copied with String.getBytes(int,int,byte[],int)), body (get_buffer_bytes copies straight from the
# Body's array; a set that replaces the whole body adopts the bytes read from the guest).
# The patches are sketches to measure with, not finished code: no tests, deprecated API in 'codec'.
import sys,re,os,shutil
variant=sys.argv[1]  # comma list of: metrics,guard,ctx,log,notimer
out=sys.argv[2]
shutil.rmtree(out,ignore_errors=True); shutil.copytree('src',out)
P=lambda f: os.path.join(out,'io/wasmgate/abi',f)
def sub(f,a,b,count=1):
    s=open(P(f)).read()
    assert a in s,(f,a[:60])
    s=s.replace(a,b,count); open(P(f),'w').write(s)
v=set(variant.split(','))
if 'metrics' in v:
    sub('services/HostMetrics.java','''    /** Records one guest callback's duration. */
    public void callback(String exportName, long nanos) {''','''    private final Timer[] timersByCallback = new Timer[io.wasmgate.abi.vm.Callback.values().length];

    /** Records one guest callback's duration; the timer is resolved once per callback, then found by ordinal. */
    public void callback(io.wasmgate.abi.vm.Callback callback, long nanos) {
        Timer timer = timersByCallback[callback.ordinal()];
        if (timer == null) {
            timer = callbackTimers.computeIfAbsent(callback.exportName(), name -> Timer.builder("wasmgate.callback.duration")
                .tag("plugin", plugin).tag("callback", name).register(registry));
            timersByCallback[callback.ordinal()] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void callback(String exportName, long nanos) {''')
    sub('context/ProxyWasmVm.java','scope.hostMetrics().callback(callback.exportName(), System.nanoTime() - started);','scope.hostMetrics().callback(callback, System.nanoTime() - started);')
if 'notimer' in v:
    sub('context/ProxyWasmVm.java','scope.hostMetrics().callback(callback.exportName(), System.nanoTime() - started);','')
if 'guard' in v:
    s=open(P('services/CallWatchdog.java')).read()
    start=s.index('    /** The deadline state of one VM')
    s=s[:start]+'''    /** Lock-free deadline state: IDLE -> RUNNING (enter) -> FIRING -> FIRED (watchdog) -> IDLE (exit). */
    public final class Guard implements AutoCloseable {
        private static final int IDLE = 0, RUNNING = 1, FIRING = 2, FIRED = 3;
        private final long deadlineNanos;
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        private volatile Thread thread;
        private volatile long startedAt;

        private Guard(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        public void enter() {
            enter(System.nanoTime());
        }

        public void enter(long now) {
            thread = Thread.currentThread();
            startedAt = now;
            state.lazySet(RUNNING);
        }

        public boolean exit() {
            int s;
            while ((s = state.get()) == FIRING) {
                Thread.onSpinWait();
            }
            state.lazySet(IDLE);
            if (s == FIRED) {
                Thread.interrupted();
                return true;
            }
            return false;
        }

        private void interruptIfOverdue(long now) {
            if (state.get() == RUNNING && now - startedAt > deadlineNanos && state.compareAndSet(RUNNING, FIRING)) {
                thread.interrupt();
                state.set(FIRED);
            }
        }

        @Override
        public void close() {
            guards.remove(this);
        }
    }
}
'''
    open(P('services/CallWatchdog.java'),'w').write(s)
    sub('context/ProxyWasmVm.java','''        if (outermost) {
            deadline.enter();
        }''','''        if (outermost) {
            deadline.enter(started);
        }''')
if 'ctx' in v:
    sub('context/ProxyWasmVm.java','''        do {
            lastContextId = lastContextId == Integer.MAX_VALUE ? 1 : lastContextId + 1;
        } while (contexts.containsKey(lastContextId));''','''        if (lastContextId < Integer.MAX_VALUE && !wrapped) {
            return ++lastContextId;
        }
        wrapped = true;
        do {
            lastContextId = lastContextId == Integer.MAX_VALUE ? 1 : lastContextId + 1;
        } while (contexts.containsKey(lastContextId));''')
    sub('context/ProxyWasmVm.java','    private int lastContextId;','    private int lastContextId;\n    private boolean wrapped;')
    sub('context/Callouts.java','''    void cancelFrom(int contextId) {
''','''    void cancelFrom(int contextId) {
        if (pending.isEmpty()) {
            return;
        }
''')
if 'log' in v:
    sub('hostcalls/LogHostcalls.java','''        String message = vm.memory().readUtf8(messagePtr, messageLen);
        if (logLevel.get().compareTo(vm.config().log().level()) >= 0) {
            vm.log(logLevel.get(), message);
        }''','''        if (logLevel.get().compareTo(vm.config().log().level()) >= 0) {
            vm.log(logLevel.get(), vm.memory().readUtf8(messagePtr, messageLen));
        } else {
            vm.memory().check(messagePtr, messageLen);
        }''')
if 'ftimer' in v:
    sub('services/HostMetrics.java','''    /** Records one guest callback's duration. */
    public void callback(String exportName, long nanos) {''','''    private final java.util.concurrent.atomic.LongAdder[] counts = new java.util.concurrent.atomic.LongAdder[io.wasmgate.abi.vm.Callback.values().length];
    private final java.util.concurrent.atomic.LongAdder[] totals = new java.util.concurrent.atomic.LongAdder[io.wasmgate.abi.vm.Callback.values().length];

    /** Counts one callback and adds its duration: two LongAdders found by ordinal, read by a FunctionTimer at scrape time. */
    public void callback(io.wasmgate.abi.vm.Callback callback, long nanos) {
        int i = callback.ordinal();
        java.util.concurrent.atomic.LongAdder count = counts[i];
        if (count == null) {
            count = register(callback);
        }
        count.increment();
        totals[i].add(nanos);
    }

    private synchronized java.util.concurrent.atomic.LongAdder register(io.wasmgate.abi.vm.Callback callback) {
        int i = callback.ordinal();
        if (counts[i] == null) {
            java.util.concurrent.atomic.LongAdder count = new java.util.concurrent.atomic.LongAdder();
            java.util.concurrent.atomic.LongAdder total = new java.util.concurrent.atomic.LongAdder();
            io.micrometer.core.instrument.FunctionTimer.builder("wasmgate.callback.duration", count, java.util.concurrent.atomic.LongAdder::sum,
                    c -> total.sum(), TimeUnit.NANOSECONDS).tag("plugin", plugin).tag("callback", callback.exportName()).register(registry);
            totals[i] = total;
            counts[i] = count;
        }
        return counts[i];
    }

    public void callback(String exportName, long nanos) {''')
    sub('context/ProxyWasmVm.java','scope.hostMetrics().callback(callback.exportName(), System.nanoTime() - started);','scope.hostMetrics().callback(callback, System.nanoTime() - started);')
if 'codec' in v:
    sub('wire/HeaderPairsCodec.java','''        for (int i = 0; i < text.length(); i++) {
            out[offset + i] = (byte) text.charAt(i);
        }
        out[offset + text.length()] = 0;''','''        text.getBytes(0, text.length(), out, offset); // low byte of each char: an array copy for Latin-1 strings
        out[offset + text.length()] = 0;''')
    s=open(P('wire/HeaderPairsCodec.java')).read()
    s=s.replace('public final class HeaderPairsCodec {','@SuppressWarnings("deprecation")\npublic final class HeaderPairsCodec {',1)
    open(P('wire/HeaderPairsCodec.java'),'w').write(s)
if 'body' in v:
    sub('spi/Body.java','''    /** Forgets the content, e.g. after it was forwarded. */''','''    /** Takes {@code content} as the new content without copying it; the caller gives it up. */
    public void adopt(byte[] content) {
        data = content;
        length = content.length;
    }

    /** The backing array; valid up to {@link #length()}. Hostcalls copy from it straight into guest memory. */
    public byte[] array() {
        return data;
    }

    /** Forgets the content, e.g. after it was forwarded. */''')
    sub('vm/GuestMemory.java','''    /** Calls the guest allocator;''','''    /** {@link #returnBytes(byte[], int, int)} from {@code length} bytes of {@code data} at {@code offset}, without an intermediate copy. */
    public void returnBytes(byte[] data, int offset, int length, int retPtrPtr, int retSizePtr) {
        check(retPtrPtr, 4);
        check(retSizePtr, 4);
        int ptr = length == 0 ? 0 : allocate(length);
        if (length > 0) {
            memory.write(ptr, data, offset, length);
        }
        memory.writeI32(retPtrPtr, ptr);
        memory.writeI32(retSizePtr, length);
    }

    /** Calls the guest allocator;''')
    sub('hostcalls/BufferHostcalls.java','''        vm.memory().returnBytes(buffer.get().slice(start, maxSize), returnData, returnSize);
        return WasmResult.OK;
    }

    WasmResult proxySetBufferBytes''','''        Body body = buffer.get();
        int from = (int) Math.min(start, body.length());
        int to = (int) Math.min(body.length(), from + maxSize);
        vm.memory().returnBytes(body.array(), from, to - from, returnData, returnSize);
        return WasmResult.OK;
    }

    WasmResult proxySetBufferBytes''')
    sub('hostcalls/BufferHostcalls.java','''        buffer.get().splice(start, size, data);''','''        if (start == 0 && size >= buffer.get().length()) {
            buffer.get().adopt(data); // replaces everything: data is a fresh copy of guest memory, nobody else holds it
        } else {
            buffer.get().splice(start, size, data);
        }''')

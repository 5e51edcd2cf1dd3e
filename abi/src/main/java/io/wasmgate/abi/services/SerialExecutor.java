package io.wasmgate.abi.services;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on another executor's threads. Async events for one VM
 * (call responses, gRPC messages) go through one of these, so a stream's messages reach the guest in the
 * order the server sent them and never from inside a hostcall.
 */
public final class SerialExecutor implements Executor {
    private final Executor threads;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor threads) {
        this.threads = threads;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            threads.execute(this::drain);
        } catch (RuntimeException e) {
            // Refused (the pool is stopping): the next task must try again, not find "running" stuck.
            synchronized (tasks) {
                running = false;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (Throwable e) {
                // Reported, and the queue goes on: one failing task must not stall every later one.
                Thread thread = Thread.currentThread();
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
            }
        }
    }
}

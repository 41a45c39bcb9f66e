package io.offload.servers;

import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where async futures complete: with an executor, a dependent stage that blocks holds neither the other futures nor
 * the virtual threads waiting on blocking calls, and no completion is lost when the executor refuses one.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AsyncExecutorTest
{
    private static final int PID = (int)ProcessHandle.current().pid();

    @Test
    void aBlockedStageHoldsNothingElseWhenFuturesCompleteOnVirtualThreads() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, -1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).asyncOnVirtualThreads().build())
        {
            final CountDownLatch release = new CountDownLatch(1);
            final CountDownLatch entered = new CountDownLatch(1);
            final AtomicReference<String> stageThread = new AtomicReference<>();
            CompletableFuture<Void> blocked = null;
            // a call that completes before thenRun attaches runs the stage on this thread: try until one does not
            for (int attempt = 0; attempt < 1_000 && entered.getCount() > 0; attempt++)
            {
                blocked = runtime.async().getpid().thenRun(() ->
                {
                    if (Thread.currentThread().getName().startsWith("offload-async-"))
                    {
                        stageThread.set(Thread.currentThread().getName());
                        entered.countDown();
                        awaitQuietly(release);
                    }
                });
                while (!blocked.isDone() && entered.getCount() > 0)
                {
                    Thread.onSpinWait();
                }
            }
            try
            {
                assertTrue(entered.await(20, TimeUnit.SECONDS), "the blocking stage started");

                final List<CompletableFuture<Integer>> others = new ArrayList<>();
                for (int i = 0; i < 1_000; i++)
                {
                    others.add(runtime.async().getpid());
                }
                for (final CompletableFuture<Integer> other : others)
                {
                    assertEquals(PID, other.get(20, TimeUnit.SECONDS), "completed while a stage blocks");
                }

                // a virtual thread parked on a blocking call is woken by the completion thread, which is free
                final CompletableFuture<Integer> fromVirtual = new CompletableFuture<>();
                Thread.ofVirtual().start(() ->
                {
                    try
                    {
                        fromVirtual.complete(runtime.syscalls().getpid());
                    }
                    catch (final SyscallException ex)
                    {
                        fromVirtual.completeExceptionally(ex);
                    }
                });
                assertEquals(PID, fromVirtual.get(20, TimeUnit.SECONDS));
                assertFalse(blocked.isDone());
            }
            finally
            {
                release.countDown();
            }
            blocked.get(20, TimeUnit.SECONDS);
            assertTrue(stageThread.get().startsWith("offload-async-"), stageThread.get());
        }
    }

    @Test
    void aRefusedCompletionRunsOnTheCompletionThreadAndIsNotLost() throws Exception
    {
        final AtomicInteger refused = new AtomicInteger();
        final Executor refusing = task ->
        {
            refused.incrementAndGet();
            throw new RejectedExecutionException("full");
        };
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, -1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).asyncExecutor(refusing).build())
        {
            assertEquals(PID, runtime.async().getpid().get(20, TimeUnit.SECONDS));
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> runtime.async().fstat(-1).get(20, TimeUnit.SECONDS));
            assertInstanceOf(SyscallException.class, failed.getCause());
            assertEquals(2, refused.get());
            assertEquals(0, runtime.stats().entriesInUse());
        }
    }

    @Test
    void anUnknownExecutorPropertyIsRefused()
    {
        final String previous = System.setProperty(Configuration.ASYNC_EXECUTOR_PROP, "pool");
        try
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OffloadRuntime.builder().build());
            assertEquals("unknown offload.async.executor 'pool': use completion (the runtime's completion thread) " +
                "or virtual (a virtual thread each)", e.getMessage());
        }
        finally
        {
            if (previous == null)
            {
                System.clearProperty(Configuration.ASYNC_EXECUTOR_PROP);
            }
            else
            {
                System.setProperty(Configuration.ASYNC_EXECUTOR_PROP, previous);
            }
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(60, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}

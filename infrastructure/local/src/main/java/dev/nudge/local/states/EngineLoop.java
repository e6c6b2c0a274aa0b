package dev.nudge.local.states;

import java.time.Clock;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that owns every execution, plus the timers. Waiting is a timer in a priority queue, not
 * a blocked thread: thousands of parked executions cost one queue entry each. The loop sleeps until the
 * earliest timer is due in clock time (converted to real time for a scaled {@link VirtualClock}); an
 * advance() of the virtual clock wakes it at once.
 */
final class EngineLoop {
  private static final Logger LOG = Logger.getLogger(EngineLoop.class.getName());
  private static final long MAX_SLEEP_MILLIS = 200;

  /** A timer: when it fires, {@code action} runs on the loop thread; it checks itself whether it is stale. */
  record Timer(long dueMillis, long seq, Runnable action) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(dueMillis, o.dueMillis);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final Clock clock;
  private final Runnable afterBatch;
  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  /** Queued or running loop work; with {@link #inflight}, what quiescence waits for. */
  private final AtomicInteger pending = new AtomicInteger();
  /** Task invocations not yet returned from the invoker. */
  final AtomicInteger inflight = new AtomicInteger();
  private final Thread thread;
  private final Runnable wake = () -> post(() -> { });
  private long timerSeq;
  private volatile boolean closed;

  EngineLoop(Clock clock, Runnable afterBatch) {
    this.clock = clock;
    this.afterBatch = afterBatch;
    this.thread = new Thread(this::run, "states-engine");
    this.thread.setDaemon(true);
  }

  void start() {
    if (clock instanceof VirtualClock v) {
      v.addListener(wake);
    }
    thread.start();
  }

  boolean onLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs work on the loop thread later. */
  void post(Runnable work) {
    pending.incrementAndGet();
    queue.add(work);
  }

  /** Runs work on the loop thread and waits for its result (directly when already on it). */
  <T> T call(Callable<T> work) {
    if (closed) {
      throw new IllegalStateException("the Step Functions engine is closed");
    }
    if (onLoop() || !thread.isAlive()) {
      // On the loop already, or still in the constructor (loading) before the loop starts.
      return StatesEngine.unchecked(work);
    }
    FutureTask<T> task = new FutureTask<>(work);
    post(task);
    try {
      return task.get();
    } catch (ExecutionException e) {
      throw StatesEngine.unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Loop thread only. */
  void schedule(long dueMillis, Runnable action) {
    timers.add(new Timer(dueMillis, timerSeq++, action));
  }

  int timerCount() {
    return timers.size();
  }

  /** Loop thread only. The earliest timer's due time (it may be stale: it then fires and does nothing), or -1. */
  long nextTimerMillis() {
    Timer first = timers.peek();
    return first == null ? -1 : first.dueMillis;
  }

  void awaitQuiescence() {
    awaitQuiescence(java.time.Duration.ofSeconds(30));
  }

  void awaitQuiescence(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean quiet = call(() -> {
        fireDue();
        return pending.get() == 1 && inflight.get() == 0 && !due();
      });
      if (quiet) return;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Step Functions engine did not settle within " + timeout);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(0, 200_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void close() {
    closed = true;
    if (clock instanceof VirtualClock v) {
      v.removeListener(wake);
    }
    post(() -> { });
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean due() {
    Timer first = timers.peek();
    return first != null && first.dueMillis <= clock.millis();
  }

  private void fireDue() {
    while (due()) {
      Timer t = timers.poll();
      safely(t.action);
    }
  }

  private void run() {
    while (!closed) {
      fireDue();
      afterBatch.run();
      Runnable work;
      try {
        work = queue.poll(sleepMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      int batch = 0;
      while (work != null) {
        safely(work);
        pending.decrementAndGet();
        if (++batch >= 256) break;
        work = queue.poll();
      }
    }
    safely(afterBatch);
    // Release callers still waiting on queued calls.
    Runnable left;
    while ((left = queue.poll()) != null) {
      if (left instanceof FutureTask<?> f) f.cancel(false);
      pending.decrementAndGet();
    }
  }

  private long sleepMillis() {
    Timer first = timers.peek();
    if (first == null) return MAX_SLEEP_MILLIS;
    long virtualDelay = first.dueMillis - clock.millis();
    if (virtualDelay <= 0) return 0;
    if (clock instanceof VirtualClock v) {
      double scale = v.scale();
      if (scale == 0) return MAX_SLEEP_MILLIS;
      return Math.max(1, Math.min(MAX_SLEEP_MILLIS, (long) Math.ceil(virtualDelay / scale)));
    }
    return Math.min(MAX_SLEEP_MILLIS, virtualDelay);
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "Step Functions engine work failed", e);
    }
  }
}

/**
 * jcstress tests of the orderings the hand-off depends on. Each drives both halves of one handshake through the
 * production code (the ring classes, {@code ServerPort}, {@code EntryTable}, {@code CancelHandshake}), so a test
 * fails if the production ordering drifts, and forbids the outcome in which a call is lost, duplicated, reordered,
 * or its waiter never woken.
 */
package io.offload.jcstress;

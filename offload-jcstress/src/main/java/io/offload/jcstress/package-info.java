/**
 * jcstress tests of the orderings the hand-off depends on. Each models one handshake with the real ring classes and
 * entry accessors, the other side's flag as the volatile field the runtime uses, and forbids the outcome in which a
 * call is lost, duplicated, reordered, or its waiter never woken.
 */
package io.offload.jcstress;

package dev.vswitch.switching;

/**
 * What to do with one frame. Mutable and reused by the thread that drives a network, so deciding
 * allocates nothing.
 */
public final class ForwardingDecision<E> {

    public enum Action { UNICAST, FLOOD, DROP }

    private Action action;
    private FrameKind kind;
    private DropReason dropReason;
    private Port<E> ingress;
    private Port<E> egress;

    public Action action() {
        return action;
    }

    /** Set unless the frame was dropped before its destination was looked at. */
    public FrameKind kind() {
        return kind;
    }

    /** Set when {@link #action()} is DROP. */
    public DropReason dropReason() {
        return dropReason;
    }

    /** The port the frame came in on; null when the frame was dropped before a port was found. */
    public Port<E> ingress() {
        return ingress;
    }

    /** The one port to send to, when {@link #action()} is UNICAST. */
    public Port<E> egress() {
        return egress;
    }

    ForwardingDecision<E> drop(DropReason reason, Port<E> from) {
        action = Action.DROP;
        dropReason = reason;
        ingress = from;
        egress = null;
        kind = null;
        return this;
    }

    ForwardingDecision<E> unicast(Port<E> from, Port<E> to) {
        action = Action.UNICAST;
        kind = FrameKind.UNICAST;
        dropReason = null;
        ingress = from;
        egress = to;
        return this;
    }

    ForwardingDecision<E> flood(Port<E> from, FrameKind floodKind) {
        action = Action.FLOOD;
        kind = floodKind;
        dropReason = null;
        ingress = from;
        egress = null;
        return this;
    }
}

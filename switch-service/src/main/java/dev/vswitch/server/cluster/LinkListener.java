package dev.vswitch.server.cluster;

/** Told when the mesh starts and stops tracking a link to another replica, so metrics can follow. */
public interface LinkListener {

    void added(TrunkLink link);

    void removed(TrunkLink link);
}

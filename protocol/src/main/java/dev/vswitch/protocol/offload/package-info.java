/**
 * Segmentation offload on the wire: the virtio-net header that comes with a TCP segment of up to 64 KB, the plain
 * offload frame of the legacy port, and the segmenter that cuts such a segment into frames with complete checksums.
 */
package dev.vswitch.protocol.offload;

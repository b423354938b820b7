/** The status file a running vport keeps (JSON, through Jackson's tree model), and the text {@code vport status} prints. */
package dev.vswitch.vport.status;

/** The sliding window that refuses a data message's counter seen before or too old (RFC 6479's bitmap). */
package dev.vswitch.protocol.replay;

/** The management API's bearer token: made or read at start, checked on every {@code /api/v1} request. */
package dev.vswitch.server.auth;

/**
 * Test infrastructure every module shares: free ports, child processes and JVMs with a ready handshake, DSS homes,
 * a tag for slow tests and a watcher that keeps a failing test's temporary directory.
 */
package io.respool.testsupport;

/**
 * The embedding API alone, one short class each: DSS files, DMS page requests, DMS global locks and broadcasts.
 */
package io.respool.examples.embedding;

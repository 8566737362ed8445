/**
 * Integrity of written artifacts: the one manifest (sizes and SHA-256 checksums) that checkpoints,
 * exported SavedModels and search indexes carry and that every load verifies, and the process-wide
 * {@code --no-verify} switch. Depends on nothing else in the project; everything may use it.
 */
package dev.softinfonce.integrity;

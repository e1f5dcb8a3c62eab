/**
 * The {@code hookline} command-line tool: DLQ listing and redrive, queue provisioning and signed test webhooks.
 * Entry point {@link dev.hookline.cli.HooklineCli}.
 */
package dev.hookline.cli;

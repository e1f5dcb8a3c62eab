/** AWS Lambda handlers: API Gateway events into the receiver, SQS events into the processing policy. */
package dev.hookline.lambda;

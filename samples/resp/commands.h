/*
 * samples/resp/commands.h: the commands of samples/resp-server and their
 * replies, which collect in the connection's writer; a long reply is
 * put there as the writer is written out.
 */
#ifndef SAMPLES_RESP_COMMANDS_H
#define SAMPLES_RESP_COMMANDS_H

#include "session.h"

/* Run the command parsed into c->args, if any, append its reply, and
 * empty the arguments. */
void resp_execute(conn *c);

/* Append "-ERR " a b CR LF. */
void reply_error(conn *c, const char *a, const char *b);

/* Put more of a long reply into the writer, until it holds OUT_FLUSH
 * bytes or the reply is all there. */
void reply_more(conn *c);

/* Give back what a long reply has not sent. */
void reply_drop(conn *c);

#endif /* SAMPLES_RESP_COMMANDS_H */

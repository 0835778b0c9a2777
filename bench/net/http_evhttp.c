/*
 * bench/net/http_evhttp.c: the baseline of the HTTP benchmark: libevent's
 * own HTTP server (evhttp) answering every request with the same fixed
 * reply as samples/http-server's /hello.
 *
 *   http_evhttp PORT
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>

static void hello(struct evhttp_request *req, void *arg)
{
    struct evbuffer *b = evhttp_request_get_output_buffer(req);

    (void)arg;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; charset=utf-8");
    evbuffer_add(b, "Hello, world!\n", 14);
    evhttp_send_reply(req, 200, "OK", NULL);
}

int main(int argc, char **argv)
{
    struct event_base *base = event_base_new();
    struct evhttp *http = base != NULL ? evhttp_new(base) : NULL;

    if (argc != 2 || http == NULL)
        return 2;
    evhttp_set_gencb(http, hello, NULL);
    if (evhttp_bind_socket(http, "127.0.0.1", (unsigned short)atoi(argv[1])))
        return 1;
    printf("ready\n");
    fflush(stdout);
    return event_base_dispatch(base);
}

/*
 * lib/io/resolve.c: name resolution with evdns, completing a future.
 *
 * evdns may answer inside evdns_getaddrinfo (a numeric address, a
 * hosts-file name) or later from the loop; and a cancelled request still
 * gets its callback, later. So the callback's argument is a small
 * allocated link, not the frame: when the wait is cancelled the link is
 * cut, and the callback that comes later frees the link and the answer.
 */
#include <stdlib.h>

#include <event2/dns.h>
#include <event2/util.h>

#include "hop/backend.h"
#include "hop/waitable.h"
#include "io_internal.h"

typedef struct link {
    hop_resolve_frame *f;                    /* NULL once nobody waits */
    struct evdns_getaddrinfo_request *req;   /* evdns's handle, or NULL */
} link_t;

static void got(int result, struct evutil_addrinfo *res, void *arg)
{
    link_t *k = arg;
    hop_resolve_frame *f = k->f;

    hop__io_sys->release(k);
    if (f == NULL) { /* nobody waits any more */
        if (res != NULL)
            evutil_freeaddrinfo(res);
        return;
    }
    f->req = NULL;
    f->eai = result;
    if (result == 0)
        hop_future_complete(&f->fut, (hop_value)(intptr_t)res);
    else
        hop_future_fail(&f->fut, HOP_ERESOLVE, evutil_gai_strerror(result));
}

/* The waiting task is cancelled: cut the link, cancel the request. */
static void cancel_hook(hop_future *fut)
{
    hop_resolve_frame *f = HOP_CONTAINER_OF(fut, hop_resolve_frame, fut);
    link_t *k = f->req;

    if (k != NULL) { /* the answer has not come */
        struct evdns_getaddrinfo_request *q = k->req;
        f->req = NULL;
        k->f = NULL;
        if (q != NULL)
            evdns_getaddrinfo_cancel(q); /* its callback frees k */
    }
}

static hop_step resolve_step(hop_gen *g, hop_frame *fr)
{
    hop_resolve_frame *self = (hop_resolve_frame *)fr;
    link_t *k;
    struct evdns_getaddrinfo_request *q;
    HOP_BEGIN(g, self);
    if (self->dns == NULL || (self->host == NULL && self->service == NULL))
        HOP_RAISE(self, HOP_EINVAL);
    hop_future_init(&self->fut, cancel_hook);
    k = hop__io_sys->alloc(sizeof *k);
    if (k == NULL)
        HOP_RAISE(self, HOP_ENOMEM);
    k->f = self;
    k->req = NULL;
    self->req = k;
    self->eai = 0;
    q = evdns_getaddrinfo(self->dns, self->host, self->service, self->hints,
                          got, k);
    if (self->req != NULL) /* (else the answer came inside the call) */
        k->req = q;
    HOP_SUSPEND(self, hop_future_wait(&self->fut));
    HOP_RETURN(self, HOP_VALUE(self));
    HOP_END(self);
}

hop_frame *hop_resolve(hop_resolve_frame *f, struct evdns_base *dns,
                       const char *host, const char *service,
                       const struct addrinfo *hints)
{
    if (f == NULL)
        return NULL;
    hop_frame_init(&f->hdr, resolve_step, HOP_COROUTINE);
    f->dns = dns;
    f->host = host;
    f->service = service;
    f->hints = hints;
    f->req = NULL;
    f->eai = 0;
    return &f->hdr;
}

/* Blocking PDU exchange for the login, discovery and logout code. */
#include "config.h"

#include "itni-wire.h"
#include "libiscsi-proto/iproto-recv.h"
#include "itni-error.h"
#include "libiscsi-proto/iproto-iov.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Login answers come quickly or not at all. */
#define ITNI_WIRE_TIMEOUT_S 15

int itni_tcp_connect(const char *host, guint16 port, guint timeout_ms, GError **error)
{
	char sport[8];
	g_snprintf(sport, sizeof sport, "%u", port);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, sport, &hints, &res);
	if (rc != 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_CONNECT, "cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
			err = errno;
			close(fd);
			fd = -1;
			continue;
		}
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int n = poll(&p, 1, (int) timeout_ms);
		socklen_t len = sizeof err;
		if (n <= 0)
			err = n == 0 ? ETIMEDOUT : errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		g_set_error(error, ITNI_ERROR, ITNI_ERROR_CONNECT, "cannot connect to %s:%u: %s", host, port,
			    g_strerror(err ? err : ECONNREFUSED));
		return -1;
	}
	/* Back to blocking with timeouts for the straight-line login. */
	int flags = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flags, sizeof flags);
	struct timeval tv = { .tv_sec = ITNI_WIRE_TIMEOUT_S };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

void itni_wire_init(ItniWire *w, int fd)
{
	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->max_send = 8192; /* sec. 13.12 default until the peer declares */
	IProtoRecvConfig rc = {
		.role = IPROTO_ROLE_INITIATOR,
		.max_data_len = 65536,
		/* Read no further than one PDU: after login the socket
		 * belongs to the data path, which has its own parser. */
		.readahead = IPROTO_BHS_LEN,
	};
	w->recv = iproto_recv_new(&rc);
	w->data = g_byte_array_new();
}

void itni_wire_clear(ItniWire *w)
{
	if (w->recv)
		iproto_recv_free(w->recv);
	if (w->data)
		g_byte_array_free(w->data, TRUE);
	w->recv = NULL;
	w->data = NULL;
}

void itni_wire_set_digests(ItniWire *w, gboolean hdigest, gboolean ddigest)
{
	w->hdigest = hdigest;
	w->ddigest = ddigest;
	iproto_recv_set_digests(w->recv, hdigest, ddigest);
}

gboolean itni_wire_send(ItniWire *w, const IProtoPdu *pdu, const void *data, gsize len, GError **error)
{
	g_autofree IProtoIov *v = g_new(IProtoIov, 1);
	iproto_iov_init(v, w->hdigest, w->ddigest);
	if (!iproto_iov_add_buf(v, pdu, data, len, error))
		return FALSE;
	while (iproto_iov_pending_bytes(v)) {
		ssize_t n = iproto_iov_send(v, w->fd);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_CONNECTION_LOST, "send failed: %s",
				    g_strerror((int) -n));
			return FALSE;
		}
	}
	return TRUE;
}

gboolean itni_wire_recv(ItniWire *w, IProtoPdu *pdu, GError **error)
{
	for (;;) {
		GError *e = NULL;
		switch (iproto_recv_poll(w->recv, &e)) {
		case IPROTO_RECV_HEADER:
			continue;
		case IPROTO_RECV_PDU: {
			*pdu = *iproto_recv_pdu(w->recv);
			const uint8_t *d = iproto_recv_data(w->recv);
			g_byte_array_set_size(w->data, 0);
			if (d)
				g_byte_array_append(w->data, d, pdu->data_len);
			return TRUE;
		}
		case IPROTO_RECV_ERROR:
			g_set_error(error, ITNI_ERROR, ITNI_ERROR_PROTOCOL, "bad PDU from target: %s", e->message);
			g_error_free(e);
			return FALSE;
		case IPROTO_RECV_AGAIN:
			break;
		}
		struct iovec iov[IPROTO_RECV_MAX_WANT];
		unsigned n = iproto_recv_want(w->recv, iov, IPROTO_RECV_MAX_WANT);
		ssize_t got = readv(w->fd, iov, (int) n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			int err = got == 0 ? ECONNRESET : errno;
			g_set_error(error, ITNI_ERROR, err == EAGAIN ? ITNI_ERROR_TIMEOUT : ITNI_ERROR_CONNECTION_LOST,
				    "%s", err == EAGAIN ? "no answer from the target" :
				    got == 0 ? "the target closed the connection" : g_strerror(err));
			return FALSE;
		}
		iproto_recv_commit(w->recv, (size_t) got);
	}
}

/* libpcap input, see ana-capture.h. */
#include "config.h"
#include "analyzer/ana-capture.h"
#include "analyzer/ana-packet.h"
#include "analyzer/ana-error.h"
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

/* Enough for any TCP segment with offloads on (GRO can hand up 64 KiB). */
#define SNAPLEN 262144

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void) sig;
	stop_requested = 1;
}

static pcap_t *open_live(const char *iface, GError **error)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, errbuf);
	int rc;

	if (!p) {
		g_set_error(error, ANA_ERROR, ANA_ERROR_OPEN, "%s: %s", iface, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, SNAPLEN);
	pcap_set_timeout(p, 100);
	pcap_set_immediate_mode(p, 1);
	rc = pcap_activate(p);
	/* Non-blocking, waited for with poll(): with immediate mode the read
	 * timeout is not honoured everywhere, and --duration and signals
	 * must be noticed on an idle interface. */
	if (rc < 0 || pcap_setnonblock(p, 1, errbuf) < 0 || pcap_get_selectable_fd(p) < 0) {
		g_set_error(error, ANA_ERROR, ANA_ERROR_OPEN, "%s: %s", iface,
			    rc == PCAP_ERROR ? pcap_geterr(p) : rc < 0 ? pcap_statustostr(rc) :
			    errbuf[0] ? errbuf : "cannot wait for packets");
		pcap_close(p);
		return NULL;
	}
	return p;
}

static bool set_filter(pcap_t *p, const char *what, const char *filter, GError **error)
{
	struct bpf_program prog;

	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(p, &prog) < 0) {
		g_set_error(error, ANA_ERROR, ANA_ERROR_FILTER, "%s: filter \"%s\": %s", what,
			    filter, pcap_geterr(p));
		return false;
	}
	pcap_freecode(&prog);
	return true;
}

AnaCaptureResult ana_capture_run(const AnaCaptureOptions *o, AnaFlows *flows, double *last_time,
				 GError **error)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *what = o->file ? o->file : o->iface;
	AnaCaptureResult res = ANA_CAPTURE_OK;
	struct sigaction sa = { .sa_handler = on_signal };
	gint64 started = g_get_monotonic_time();
	bool have_t0 = false;
	double t0 = 0;
	long seen = 0;
	pcap_t *p;
	int linktype;

	*last_time = 0;
	p = o->file ? pcap_open_offline(o->file, errbuf) : open_live(o->iface, error);
	if (!p) {
		if (o->file)
			g_set_error(error, ANA_ERROR, ANA_ERROR_OPEN, "%s: %s", o->file, errbuf);
		return ANA_CAPTURE_FAILED;
	}
	linktype = pcap_datalink(p);
	if (!ana_packet_linktype_ok(linktype)) {
		g_set_error(error, ANA_ERROR, ANA_ERROR_LINKTYPE, "%s: link type %s is not supported", what,
			    pcap_datalink_val_to_name(linktype) ? pcap_datalink_val_to_name(linktype) : "unknown");
		pcap_close(p);
		return ANA_CAPTURE_FAILED;
	}
	if (o->filter && !set_filter(p, what, o->filter, error)) {
		pcap_close(p);
		return ANA_CAPTURE_FAILED;
	}
	stop_requested = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_requested) {
		struct pcap_pkthdr *h;
		const u_char *data;
		AnaSegment seg;
		double t;
		int rc;

		if (o->count > 0 && seen >= o->count)
			break;
		if (o->iface && o->duration > 0 &&
		    (double) (g_get_monotonic_time() - started) / G_USEC_PER_SEC >= o->duration)
			break;
		rc = pcap_next_ex(p, &h, &data);
		if (rc == 0) {
			/* live, nothing pending: wait a little, then check the
			 * bounds again */
			struct pollfd pfd = { .fd = pcap_get_selectable_fd(p), .events = POLLIN };
			poll(&pfd, 1, 100);
			continue;
		}
		if (rc == PCAP_ERROR_BREAK)
			break;             /* end of file */
		if (rc < 0) {
			g_set_error(error, ANA_ERROR, ANA_ERROR_DAMAGED, "%s: capture damaged after %ld packets: %s",
				    what, seen, pcap_geterr(p));
			res = ANA_CAPTURE_DAMAGED;
			break;
		}
		seen++;
		t = (double) h->ts.tv_sec + (double) h->ts.tv_usec / 1e6;
		if (!have_t0) {
			have_t0 = true;
			t0 = t;
		}
		t -= t0;
		*last_time = t;
		if (ana_packet_parse(linktype, data, h->caplen, h->len, &seg)) {
			seg.t = t;
			ana_flows_segment(flows, &seg);
		}
	}
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pcap_close(p);
	return res;
}

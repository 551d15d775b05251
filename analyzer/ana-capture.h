/* Reading packets with libpcap, from a capture file (pcap or pcapng) or
 * live from an interface, and handing their TCP segments to the flow
 * table. */
#pragma once
#include <glib.h>
#include "analyzer/ana-flow.h"

G_BEGIN_DECLS

typedef struct {
	const char *file;        /* -r, or NULL */
	const char *iface;       /* -i, or NULL */
	const char *filter;      /* BPF expression, or NULL */
	long count;              /* stop after this many packets (0: no limit) */
	double duration;         /* live: stop after this many seconds (0: no limit) */
} AnaCaptureOptions;

typedef enum {
	ANA_CAPTURE_OK,
	ANA_CAPTURE_DAMAGED,     /* read stopped early; what came before was analysed */
	ANA_CAPTURE_FAILED,      /* nothing read: cannot open, bad filter, ... */
} AnaCaptureResult;

/* Runs until the end of the file, the count or duration, or SIGINT/SIGTERM.
 * *last_time is set to the time of the last packet (seconds since the
 * first).  Error messages name the file or interface. */
AnaCaptureResult ana_capture_run(const AnaCaptureOptions *o, AnaFlows *flows, double *last_time,
				 GError **error);

G_END_DECLS

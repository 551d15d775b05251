/* The itnexus initiator library: SCSI over iSCSI from any program.
 *
 * pkg-config itnexus-initiator; #include <itni.h>.  See doc/initiator-api.md
 * for a tour and itni-context.h for the threading and event-loop rules. */
#pragma once
#include "itni-error.h"
#include "itni-config.h"
#include "itni-context.h"
#include "itni-session.h"
#include "itni-scsi.h"
#include "itni-discovery.h"

/* libiscsi-proto umbrella header: what both ends of an iSCSI connection
 * share.  Each owner adds one line per public header. */
#pragma once
#include "libiscsi-proto/iproto-bytes.h"
#include "libiscsi-proto/iproto-error.h"
#include "libiscsi-proto/iproto-sense.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-pdu.h"
#include "libiscsi-proto/iproto-opcode.h"
#include "libiscsi-proto/iproto-digest.h"
#include "libiscsi-proto/iproto-iov.h"
#include "libiscsi-proto/iproto-recv.h"
#include "libiscsi-proto/iproto-login.h"
#include "libiscsi-proto/iproto-sna.h"
#include "libiscsi-proto/iproto-text.h"
#include "libiscsi-proto/iproto-text-values.h"
#include "libiscsi-proto/iproto-keys.h"
#include "libiscsi-proto/iproto-negotiate.h"
#include "libiscsi-proto/iproto-chap.h"

/* Code-to-name tables, see ana-names.h. */
#include "config.h"
#include "analyzer/ana-names.h"
#include <glib.h>

typedef struct {
	uint8_t code;
	const char *name;
} Name;

static const char *find(const Name *t, size_t n, uint8_t code, const char *otherwise)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return otherwise;
}

/* RFC 7143 sec. 11.17.1 */
static const Name reject_reasons[] = {
	{ 0x01, "reserved" },
	{ 0x02, "data (payload) digest error" },
	{ 0x03, "SNACK reject" },
	{ 0x04, "protocol error" },
	{ 0x05, "command not supported" },
	{ 0x06, "immediate command reject - too many immediate commands" },
	{ 0x07, "task in progress" },
	{ 0x08, "invalid data ack" },
	{ 0x09, "invalid PDU field" },
	{ 0x0a, "long op reject - out of resources" },
	{ 0x0b, "deprecated (negotiation reset)" },
	{ 0x0c, "waiting for logout" },
};

const char *ana_reject_reason_name(uint8_t reason)
{
	return find(reject_reasons, G_N_ELEMENTS(reject_reasons), reason, "reserved");
}

/* sec. 11.5.1 */
static const Name tmf_functions[] = {
	{ 1, "ABORT TASK" }, { 2, "ABORT TASK SET" }, { 3, "CLEAR ACA" },
	{ 4, "CLEAR TASK SET" }, { 5, "LOGICAL UNIT RESET" }, { 6, "TARGET WARM RESET" },
	{ 7, "TARGET COLD RESET" }, { 8, "TASK REASSIGN" },
};

const char *ana_tmf_function_name(uint8_t function)
{
	return find(tmf_functions, G_N_ELEMENTS(tmf_functions), function, "reserved");
}

/* sec. 11.6.1 */
static const Name tmf_responses[] = {
	{ 0, "function complete" }, { 1, "task does not exist" }, { 2, "LUN does not exist" },
	{ 3, "task still allegiant" }, { 4, "task allegiance reassignment not supported" },
	{ 5, "task management function not supported" },
	{ 6, "function authorization failed" }, { 255, "function rejected" },
};

const char *ana_tmf_response_name(uint8_t response)
{
	return find(tmf_responses, G_N_ELEMENTS(tmf_responses), response, "reserved");
}

/* sec. 11.14.1 */
static const Name logout_reasons[] = {
	{ 0, "close the session" }, { 1, "close the connection" },
	{ 2, "remove the connection for recovery" },
};

const char *ana_logout_reason_name(uint8_t reason)
{
	return find(logout_reasons, G_N_ELEMENTS(logout_reasons), reason, "reserved");
}

/* sec. 11.15.1 */
static const Name logout_responses[] = {
	{ 0, "closed successfully" }, { 1, "CID not found" },
	{ 2, "connection recovery is not supported" }, { 3, "cleanup failed" },
};

const char *ana_logout_response_name(uint8_t response)
{
	return find(logout_responses, G_N_ELEMENTS(logout_responses), response, "reserved");
}

/* sec. 11.9.1 */
static const Name async_events[] = {
	{ 0, "SCSI async event" }, { 1, "logout request" }, { 2, "connection drop" },
	{ 3, "all connections drop" }, { 4, "parameter negotiation request" },
	{ 5, "task termination" }, { 255, "vendor specific" },
};

const char *ana_async_event_name(uint8_t event)
{
	return find(async_events, G_N_ELEMENTS(async_events), event, "reserved");
}

/* SAM-5 table 34 */
static const Name scsi_status[] = {
	{ 0x00, "GOOD" }, { 0x02, "CHECK CONDITION" }, { 0x04, "CONDITION MET" },
	{ 0x08, "BUSY" }, { 0x18, "RESERVATION CONFLICT" }, { 0x28, "TASK SET FULL" },
	{ 0x30, "ACA ACTIVE" }, { 0x40, "TASK ABORTED" },
};

const char *ana_scsi_status_name(uint8_t status)
{
	return find(scsi_status, G_N_ELEMENTS(scsi_status), status, "reserved");
}

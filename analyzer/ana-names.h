/* Names for the code fields the analyzer prints that libiscsi-proto keeps
 * as bare enums: Reject reasons (RFC 7143 sec. 11.17.1), task management
 * functions and responses (sec. 11.5.1, 11.6.1), logout reasons and
 * responses (sec. 11.14.1, 11.15.1), async events (sec. 11.9.1), and the
 * SCSI status byte (SAM-5 sec. 5.3). */
#pragma once
#include <stdint.h>

/* Each returns "reserved" (or "vendor specific") for codes outside its
 * table; never NULL. */
const char *ana_reject_reason_name(uint8_t reason);
const char *ana_tmf_function_name(uint8_t function);
const char *ana_tmf_response_name(uint8_t response);
const char *ana_logout_reason_name(uint8_t reason);
const char *ana_logout_response_name(uint8_t response);
const char *ana_async_event_name(uint8_t event);
const char *ana_scsi_status_name(uint8_t status);

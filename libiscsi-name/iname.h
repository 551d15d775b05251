/* libiscsi-name: iSCSI names, iSCSI URLs and TargetAddress values.
 * Prefix iname_, log domain "itn-name", errors in INAME_ERROR. */
#pragma once
#include "libiscsi-name/iname-error.h"
#include "libiscsi-name/iname-name.h"
#include "libiscsi-name/iname-url.h"
#include "libiscsi-name/iname-address.h"
#include "libiscsi-name/iname-generate.h"
#include "libiscsi-name/iname-secrets-file.h"

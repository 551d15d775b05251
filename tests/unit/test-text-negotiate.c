/* The negotiation engine, both roles (RFC 7143 sec. 6.2, 12, 13). */
#include "config.h"
#include "text-helpers.h"

#define INAME "InitiatorName=iqn.2026-01.test.init:host1"
#define TNAME "TargetName=iqn.2026-01.test.tgt:disk1"

static IProtoNegConfig target_cfg(void)
{
	IProtoNegConfig cfg;
	iproto_neg_config_init(&cfg);
	cfg.session.tpgt = 1;
	cfg.session.target_alias = "disk one";
	cfg.session.max_connections = 4;
	cfg.max_recv_dsl = 262144;
	return cfg;
}

/* A leading target connection that already took the first request. */
static IProtoNeg *target_after_login_start(const IProtoNegConfig *cfg, const char *session_type)
{
	IProtoNeg *neg = iproto_neg_new(IPROTO_ROLE_TARGET, cfg, TRUE, NULL);
	g_autoptr(IProtoTextList) in = kv(INAME, TNAME, session_type, NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_true(iproto_neg_receive(neg, IPROTO_PHASE_OPERATIONAL, in, out, &err));
	g_assert_no_error(err);
	return neg;
}

/* Receives one list as target in the operational phase; returns the answers. */
static IProtoTextList *answer_of(IProtoNeg *neg, IProtoTextList *in)
{
	IProtoTextList *out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_true(iproto_neg_receive(neg, IPROTO_PHASE_OPERATIONAL, in, out, &err));
	g_assert_no_error(err);
	iproto_text_list_free(in);
	return out;
}

static void test_first_request_security(void)
{
	IProtoNegConfig cfg = target_cfg();
	cfg.auth_method = "CHAP,None";
	g_autoptr(IProtoNeg) neg = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	g_autoptr(IProtoTextList) in = kv(INAME, TNAME, "SessionType=Normal", "AuthMethod=SRP,CHAP,None",
					  "InitiatorAlias=host one", NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	gboolean ok = iproto_neg_receive(neg, IPROTO_PHASE_SECURITY, in, out, &err);
	g_assert_no_error(err);
	g_assert_true(ok);
	iproto_neg_offer(neg, IPROTO_PHASE_SECURITY, out);
	/* first acceptable value in the initiator's order (sec. 6.2.1) */
	g_assert_cmpstr(iproto_text_list_get(out, "AuthMethod"), ==, "CHAP");
	g_assert_cmpint(iproto_neg_auth_method(neg), ==, IPROTO_AUTH_CHAP);
	g_assert_cmpstr(iproto_text_list_get(out, "TargetPortalGroupTag"), ==, "1");
	g_assert_cmpstr(iproto_text_list_get(out, "TargetAlias"), ==, "disk one");
	/* declarations are not answered; MaxRecvDataSegmentLength waits for operational */
	g_assert_null(iproto_text_list_get(out, "InitiatorName"));
	g_assert_null(iproto_text_list_get(out, "MaxRecvDataSegmentLength"));
	const IProtoSessionParams *s = iproto_neg_session(neg);
	g_assert_cmpstr(s->initiator_name, ==, "iqn.2026-01.test.init:host1");
	g_assert_cmpstr(s->target_name, ==, "iqn.2026-01.test.tgt:disk1");
	g_assert_cmpstr(s->initiator_alias, ==, "host one");
	g_assert_cmpint(s->session_type, ==, IPROTO_SESSION_NORMAL);
	/* declarations only once per login */
	g_autoptr(IProtoTextList) out2 = iproto_text_list_new();
	iproto_neg_offer(neg, IPROTO_PHASE_OPERATIONAL, out2);
	g_assert_null(iproto_text_list_get(out2, "TargetPortalGroupTag"));
	g_assert_cmpstr(iproto_text_list_get(out2, "MaxRecvDataSegmentLength"), ==, "262144");
}

static void test_numeric_results(void)
{
	IProtoNegConfig cfg = target_cfg();
	g_autoptr(IProtoNeg) neg = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) out = answer_of(
		neg, kv("MaxBurstLength=1048576", "FirstBurstLength=0x4000", "DefaultTime2Wait=0",
			"DefaultTime2Retain=0", "MaxConnections=8", "MaxOutstandingR2T=16", "ErrorRecoveryLevel=2",
			"iSCSIProtocolLevel=2", "MaxRecvDataSegmentLength=131072", NULL));
	/* min / max of offer and our limit (sec. 6.2.2) */
	g_assert_cmpstr(iproto_text_list_get(out, "MaxBurstLength"), ==, "262144");
	g_assert_cmpstr(iproto_text_list_get(out, "FirstBurstLength"), ==, "16384");
	g_assert_cmpstr(iproto_text_list_get(out, "DefaultTime2Wait"), ==, "2");
	g_assert_cmpstr(iproto_text_list_get(out, "DefaultTime2Retain"), ==, "0");
	g_assert_cmpstr(iproto_text_list_get(out, "MaxConnections"), ==, "4");
	g_assert_cmpstr(iproto_text_list_get(out, "MaxOutstandingR2T"), ==, "1");
	g_assert_cmpstr(iproto_text_list_get(out, "ErrorRecoveryLevel"), ==, "0");
	g_assert_cmpstr(iproto_text_list_get(out, "iSCSIProtocolLevel"), ==, "1");
	/* declarative: not answered, limits what we send */
	g_assert_null(iproto_text_list_get(out, "MaxRecvDataSegmentLength"));
	const IProtoSessionParams *s = iproto_neg_session(neg);
	g_assert_cmpuint(s->max_burst_length, ==, 262144);
	g_assert_cmpuint(s->first_burst_length, ==, 16384);
	g_assert_cmpuint(s->default_time2wait, ==, 2);
	g_assert_cmpuint(s->default_time2retain, ==, 0);
	g_assert_cmpuint(s->max_connections, ==, 4);
	const IProtoConnParams *c = iproto_neg_conn(neg);
	g_assert_cmpuint(c->max_send_dsl, ==, 131072);
	g_assert_cmpuint(c->max_recv_dsl, ==, 262144);
	g_assert_true(iproto_neg_finish(neg, NULL));
}

static void test_boolean_and_list_results(void)
{
	IProtoNegConfig cfg = target_cfg();
	cfg.session.initial_r2t = FALSE;
	cfg.session.immediate_data = FALSE;
	cfg.session.data_pdu_in_order = FALSE;
	cfg.header_digest = "CRC32C,None";
	g_autoptr(IProtoNeg) neg = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) out =
		answer_of(neg, kv("InitialR2T=No", "ImmediateData=Yes", "DataPDUInOrder=Yes", "DataSequenceInOrder=No",
				  "HeaderDigest=None,CRC32C", "DataDigest=CRC32C", "TaskReporting=FastAbort,RFC3720",
				  NULL));
	g_assert_cmpstr(iproto_text_list_get(out, "InitialR2T"), ==, "No");       /* No OR No */
	g_assert_cmpstr(iproto_text_list_get(out, "ImmediateData"), ==, "No");    /* Yes AND No */
	g_assert_cmpstr(iproto_text_list_get(out, "DataPDUInOrder"), ==, "Yes");  /* Yes OR No */
	g_assert_cmpstr(iproto_text_list_get(out, "DataSequenceInOrder"), ==, "Yes"); /* No OR Yes */
	g_assert_cmpstr(iproto_text_list_get(out, "HeaderDigest"), ==, "None");   /* proposer's order */
	g_assert_cmpstr(iproto_text_list_get(out, "DataDigest"), ==, "Reject");   /* nothing in common */
	g_assert_cmpstr(iproto_text_list_get(out, "TaskReporting"), ==, "RFC3720");
	const IProtoSessionParams *s = iproto_neg_session(neg);
	g_assert_false(s->initial_r2t);
	g_assert_false(s->immediate_data);
	g_assert_true(s->data_sequence_in_order);
	g_assert_cmpint(iproto_neg_conn(neg)->header_digest, ==, IPROTO_DIGEST_NONE);
	g_assert_cmpint(iproto_neg_conn(neg)->data_digest, ==, IPROTO_DIGEST_NONE);

	IProtoNegConfig cfg2 = target_cfg();
	cfg2.header_digest = "CRC32C,None";
	g_autoptr(IProtoNeg) neg2 = target_after_login_start(&cfg2, "SessionType=Normal");
	g_autoptr(IProtoTextList) out2 = answer_of(neg2, kv("HeaderDigest=CRC32C,None", NULL));
	g_assert_cmpstr(iproto_text_list_get(out2, "HeaderDigest"), ==, "CRC32C");
	g_assert_cmpint(iproto_neg_conn(neg2)->header_digest, ==, IPROTO_DIGEST_CRC32C);
}

static void test_out_of_range_rejected(void)
{
	IProtoNegConfig cfg = target_cfg();
	g_autoptr(IProtoNeg) neg = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) out =
		answer_of(neg, kv("MaxBurstLength=511", "MaxConnections=0", "ErrorRecoveryLevel=3",
				  "FirstBurstLength=16777216", "DefaultTime2Wait=abc", "InitialR2T=maybe",
				  "MaxOutstandingR2T=-1", NULL));
	for (guint i = 0; i < iproto_text_list_length(out); i++)
		g_assert_cmpstr(iproto_text_list_nth(out, i)->value, ==, "Reject");
	g_assert_cmpuint(iproto_text_list_length(out), ==, 7);
	/* rejected keys keep their defaults (sec. 6.2) */
	const IProtoSessionParams *s = iproto_neg_session(neg);
	g_assert_cmpuint(s->max_burst_length, ==, 262144);
	g_assert_cmpuint(s->max_connections, ==, 1);
	g_assert_true(s->initial_r2t);
}

static void test_unknown_keys(void)
{
	IProtoNegConfig cfg = target_cfg();
	g_autoptr(IProtoNeg) neg = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) out =
		answer_of(neg, kv("X-com.example.Frob=1", "X#Whatever=2", "FooBar=3", "maxburstlength=4096", NULL));
	g_assert_cmpuint(iproto_text_list_length(out), ==, 4);
	for (guint i = 0; i < 4; i++)
		g_assert_cmpstr(iproto_text_list_nth(out, i)->value, ==, "NotUnderstood");
}

static void expect_receive_error(IProtoNeg *neg, IProtoPhase phase, IProtoTextList *in, int code, guint16 status)
{
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_neg_receive(neg, phase, in, out, &err));
	g_assert_error(err, IPROTO_ERROR, code);
	g_assert_cmphex(iproto_neg_login_status(err), ==, status);
	iproto_text_list_free(in);
}

/* Range boundaries of the numeric keys (sec. 13). */
static void test_range_boundaries(void)
{
	IProtoNegConfig cfg = target_cfg();
	cfg.session.max_burst_length = 16777215;
	cfg.session.first_burst_length = 16777215;
	cfg.session.max_connections = 65535;
	cfg.session.default_time2retain = 3600;
	g_autoptr(IProtoNeg) neg = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) out =
		answer_of(neg, kv("MaxBurstLength=16777215", "FirstBurstLength=512", "MaxConnections=65535",
				  "DefaultTime2Wait=3600", "DefaultTime2Retain=3601", "ErrorRecoveryLevel=2",
				  "iSCSIProtocolLevel=31", "MaxOutstandingR2T=65536", NULL));
	g_assert_cmpstr(iproto_text_list_get(out, "MaxBurstLength"), ==, "16777215");
	g_assert_cmpstr(iproto_text_list_get(out, "FirstBurstLength"), ==, "512");
	g_assert_cmpstr(iproto_text_list_get(out, "MaxConnections"), ==, "65535");
	g_assert_cmpstr(iproto_text_list_get(out, "DefaultTime2Wait"), ==, "3600");
	g_assert_cmpstr(iproto_text_list_get(out, "DefaultTime2Retain"), ==, "Reject");
	g_assert_cmpstr(iproto_text_list_get(out, "ErrorRecoveryLevel"), ==, "0");
	g_assert_cmpstr(iproto_text_list_get(out, "iSCSIProtocolLevel"), ==, "1");
	g_assert_cmpstr(iproto_text_list_get(out, "MaxOutstandingR2T"), ==, "Reject");
	/* a declared MaxRecvDataSegmentLength out of range fails the login */
	g_autoptr(IProtoNeg) b = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(b, IPROTO_PHASE_OPERATIONAL, kv("MaxRecvDataSegmentLength=511", NULL),
			     IPROTO_ERROR_KEY_VALUE, 0x0200);
	/* aliases must be UTF-8 */
	g_autoptr(IProtoNeg) c = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(c, IPROTO_PHASE_OPERATIONAL, kv("InitiatorAlias=\xff\xfe", NULL), IPROTO_ERROR_KEY_VALUE,
			     0x0200);
}

static void test_duplicates(void)
{
	IProtoNegConfig cfg = target_cfg();
	g_autoptr(IProtoNeg) a = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(a, IPROTO_PHASE_OPERATIONAL, kv("MaxBurstLength=8192", "MaxBurstLength=4096", NULL),
			     IPROTO_ERROR_KEY_DUPLICATE, 0x0200);
	/* across two requests of one login */
	g_autoptr(IProtoNeg) b = target_after_login_start(&cfg, "SessionType=Normal");
	iproto_text_list_free(answer_of(b, kv("ImmediateData=No", NULL)));
	expect_receive_error(b, IPROTO_PHASE_OPERATIONAL, kv("ImmediateData=No", NULL), IPROTO_ERROR_KEY_DUPLICATE,
			     0x0200);
	/* a declaration repeated with another value, and unknown keys */
	g_autoptr(IProtoNeg) c = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(c, IPROTO_PHASE_OPERATIONAL, kv("InitiatorName=iqn.2026-01.test:other", NULL),
			     IPROTO_ERROR_KEY_DUPLICATE, 0x0200);
	/* the same declarations again (libiscsi repeats them after CHAP) are harmless */
	g_autoptr(IProtoNeg) c2 = target_after_login_start(&cfg, "SessionType=Normal");
	iproto_text_list_free(answer_of(c2, kv(INAME, TNAME, "SessionType=Normal", "HeaderDigest=None", NULL)));
	g_assert_cmpstr(iproto_neg_session(c2)->initiator_name, ==, "iqn.2026-01.test.init:host1");
	g_autoptr(IProtoNeg) d = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(d, IPROTO_PHASE_OPERATIONAL, kv("X-a.b=1", "X-a.b=1", NULL), IPROTO_ERROR_KEY_DUPLICATE,
			     0x0200);
	/* a new Text sequence in FFP may repeat keys */
	g_autoptr(IProtoNeg) e = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) o1 = iproto_text_list_new();
	g_autoptr(IProtoTextList) m1 = kv("MaxRecvDataSegmentLength=16384", NULL);
	g_assert_true(iproto_neg_receive(e, IPROTO_PHASE_FFP, m1, o1, NULL));
	iproto_neg_begin_text(e);
	g_autoptr(IProtoTextList) m2 = kv("MaxRecvDataSegmentLength=32768", NULL);
	g_assert_true(iproto_neg_receive(e, IPROTO_PHASE_FFP, m2, o1, NULL));
	g_assert_cmpuint(iproto_neg_conn(e)->max_send_dsl, ==, 32768);
}

static void test_discovery_irrelevant(void)
{
	IProtoNegConfig cfg = target_cfg();
	cfg.header_digest = "CRC32C,None";
	g_autoptr(IProtoNeg) neg = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	/* no TargetName needed for discovery (sec. 13.4) */
	g_autoptr(IProtoTextList) first = kv(INAME, "SessionType=Discovery", NULL);
	g_autoptr(IProtoTextList) o = iproto_text_list_new();
	g_assert_true(iproto_neg_receive(neg, IPROTO_PHASE_OPERATIONAL, first, o, NULL));
	iproto_neg_offer(neg, IPROTO_PHASE_OPERATIONAL, o);
	g_assert_null(iproto_text_list_get(o, "TargetPortalGroupTag"));
	g_assert_cmpint(iproto_neg_session(neg)->session_type, ==, IPROTO_SESSION_DISCOVERY);
	g_autoptr(IProtoTextList) out =
		answer_of(neg, kv("MaxConnections=1", "InitialR2T=No", "ImmediateData=No", "MaxBurstLength=8192",
				  "FirstBurstLength=8192", "MaxOutstandingR2T=1", "DataPDUInOrder=Yes",
				  "DataSequenceInOrder=Yes", "TaskReporting=RFC3720", "HeaderDigest=CRC32C",
				  "DefaultTime2Wait=2", NULL));
	static const char *const irrelevant[] = { "MaxConnections", "InitialR2T", "ImmediateData", "MaxBurstLength",
						  "FirstBurstLength", "MaxOutstandingR2T", "DataPDUInOrder",
						  "DataSequenceInOrder", "TaskReporting" };
	for (guint i = 0; i < G_N_ELEMENTS(irrelevant); i++)
		g_assert_cmpstr(iproto_text_list_get(out, irrelevant[i]), ==, "Irrelevant");
	g_assert_cmpstr(iproto_text_list_get(out, "HeaderDigest"), ==, "CRC32C");
	g_assert_cmpstr(iproto_text_list_get(out, "DefaultTime2Wait"), ==, "2");
	g_assert_true(iproto_neg_finish(neg, NULL));
}

static void test_first_burst_rules(void)
{
	IProtoNegConfig cfg = target_cfg();
	cfg.session.max_burst_length = 1048576;
	cfg.session.first_burst_length = 1048576;
	/* FirstBurstLength > MaxBurstLength in one batch: our answer is clamped */
	g_autoptr(IProtoNeg) a = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) oa =
		answer_of(a, kv("FirstBurstLength=524288", "MaxBurstLength=65536", "InitialR2T=No", NULL));
	g_assert_cmpstr(iproto_text_list_get(oa, "FirstBurstLength"), ==, "65536");
	g_assert_cmpstr(iproto_text_list_get(oa, "MaxBurstLength"), ==, "65536");
	g_assert_true(iproto_neg_finish(a, NULL));
	/* the same conflict over two batches is an error at the end */
	g_autoptr(IProtoNeg) b = target_after_login_start(&cfg, "SessionType=Normal");
	iproto_text_list_free(answer_of(b, kv("FirstBurstLength=524288", NULL)));
	iproto_text_list_free(answer_of(b, kv("MaxBurstLength=65536", NULL)));
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_neg_finish(b, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_NEGOTIATION);
	/* a default FirstBurstLength follows a smaller MaxBurstLength */
	g_autoptr(IProtoNeg) c = target_after_login_start(&cfg, "SessionType=Normal");
	iproto_text_list_free(answer_of(c, kv("MaxBurstLength=16384", NULL)));
	g_assert_true(iproto_neg_finish(c, NULL));
	g_assert_cmpuint(iproto_neg_session(c)->first_burst_length, ==, 16384);
	/* Irrelevant when InitialR2T=Yes and ImmediateData=No (sec. 13.14) */
	g_autoptr(IProtoNeg) d = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) od =
		answer_of(d, kv("InitialR2T=Yes", "ImmediateData=No", "FirstBurstLength=8192", NULL));
	g_assert_cmpstr(iproto_text_list_get(od, "FirstBurstLength"), ==, "Irrelevant");
}

static void test_leading_only(void)
{
	IProtoNegConfig cfg = target_cfg();
	IProtoSessionParams sess;
	iproto_session_params_init(&sess);
	sess.max_burst_length = 65536;
	sess.initiator_name = g_strdup("iqn.2026-01.test.init:host1");
	g_autoptr(IProtoNeg) neg = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, FALSE, &sess);
	/* the session's values are inherited; a repeated SessionType is tolerated */
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_autoptr(IProtoTextList) first = kv(INAME, TNAME, "SessionType=Normal", "HeaderDigest=None", NULL);
	g_assert_true(iproto_neg_receive(neg, IPROTO_PHASE_OPERATIONAL, first, out, NULL));
	g_assert_cmpuint(iproto_neg_session(neg)->max_burst_length, ==, 65536);
	/* LO key on a non-leading connection: login fails with 0x0200 */
	expect_receive_error(neg, IPROTO_PHASE_OPERATIONAL, kv("MaxBurstLength=8192", NULL), IPROTO_ERROR_NEGOTIATION,
			     0x0200);
	g_autoptr(IProtoNeg) neg2 = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, FALSE, &sess);
	expect_receive_error(neg2, IPROTO_PHASE_OPERATIONAL, kv(INAME, TNAME, "SessionType=Discovery", NULL),
			     IPROTO_ERROR_NEGOTIATION, 0x0200);
	/* the initiator does not offer LO keys there */
	IProtoNegConfig icfg;
	iproto_neg_config_init(&icfg);
	icfg.session.initiator_name = "iqn.2026-01.test.init:host1";
	icfg.session.target_name = "iqn.2026-01.test.tgt:disk1";
	g_autoptr(IProtoNeg) ini = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, FALSE, &sess);
	g_autoptr(IProtoTextList) offer = iproto_text_list_new();
	iproto_neg_offer(ini, IPROTO_PHASE_OPERATIONAL, offer);
	g_assert_nonnull(iproto_text_list_get(offer, "HeaderDigest"));
	g_assert_nonnull(iproto_text_list_get(offer, "InitiatorName"));
	g_assert_null(iproto_text_list_get(offer, "MaxBurstLength"));
	g_assert_null(iproto_text_list_get(offer, "SessionType"));
	iproto_session_params_clear(&sess);
}

static void test_missing_keys(void)
{
	IProtoNegConfig cfg = target_cfg();
	g_autoptr(IProtoNeg) a = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	expect_receive_error(a, IPROTO_PHASE_SECURITY, kv(TNAME, "AuthMethod=None", NULL), IPROTO_ERROR_KEY_MISSING,
			     0x0207);
	g_autoptr(IProtoNeg) b = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	expect_receive_error(b, IPROTO_PHASE_SECURITY, kv(INAME, "SessionType=Normal", NULL), IPROTO_ERROR_KEY_MISSING,
			     0x0207);
	g_autoptr(IProtoNeg) c = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	expect_receive_error(c, IPROTO_PHASE_SECURITY, kv("InitiatorName=not-a-name", TNAME, NULL),
			     IPROTO_ERROR_KEY_VALUE, 0x0200);
	g_autoptr(IProtoNeg) d = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	expect_receive_error(d, IPROTO_PHASE_SECURITY, kv(INAME, TNAME, "SessionType=Bogus", NULL),
			     IPROTO_ERROR_KEY_VALUE, 0x0200);
	/* a name that looks like an answer word is still a (bad) name */
	g_autoptr(IProtoNeg) e = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	expect_receive_error(e, IPROTO_PHASE_SECURITY, kv(INAME, "TargetName=Irrelevant", NULL),
			     IPROTO_ERROR_KEY_VALUE, 0x0200);
}

static void test_phase_and_sender_rules(void)
{
	IProtoNegConfig cfg = target_cfg();
	/* operational key in the security stage */
	g_autoptr(IProtoNeg) a = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	expect_receive_error(a, IPROTO_PHASE_SECURITY, kv(INAME, TNAME, "HeaderDigest=None", NULL),
			     IPROTO_ERROR_NEGOTIATION, 0x0200);
	/* security key in the operational stage */
	g_autoptr(IProtoNeg) b = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(b, IPROTO_PHASE_OPERATIONAL, kv("AuthMethod=None", NULL), IPROTO_ERROR_NEGOTIATION,
			     0x0200);
	/* initial-only key in full feature phase */
	g_autoptr(IProtoNeg) c = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(c, IPROTO_PHASE_FFP, kv("HeaderDigest=None", NULL), IPROTO_ERROR_NEGOTIATION, 0x0200);
	/* a target-only key from the initiator */
	g_autoptr(IProtoNeg) d = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(d, IPROTO_PHASE_OPERATIONAL, kv("TargetPortalGroupTag=1", NULL), IPROTO_ERROR_NEGOTIATION,
			     0x0200);
	/* an answer to something nobody offered */
	g_autoptr(IProtoNeg) e = target_after_login_start(&cfg, "SessionType=Normal");
	expect_receive_error(e, IPROTO_PHASE_OPERATIONAL, kv("MaxBurstLength=Reject", NULL), IPROTO_ERROR_NEGOTIATION,
			     0x0200);
	/* a value above 255 bytes for a simple key */
	g_autoptr(IProtoNeg) f = target_after_login_start(&cfg, "SessionType=Normal");
	g_autofree char *big = g_strnfill(300, 'a');
	g_autofree char *alias = g_strconcat("InitiatorAlias=", big, NULL);
	expect_receive_error(f, IPROTO_PHASE_OPERATIONAL, kv(alias, NULL), IPROTO_ERROR_TEXT_TOO_LONG, 0x0200);
}

static void test_obsolete_and_iser(void)
{
	IProtoNegConfig cfg = target_cfg();
	g_autoptr(IProtoNeg) neg = target_after_login_start(&cfg, "SessionType=Normal");
	g_autoptr(IProtoTextList) out =
		answer_of(neg, kv("OFMarker=No", "IFMarker=Yes", "OFMarkInt=2048~65535", "IFMarkInt=1~1",
				  "RDMAExtensions=Yes", "InitiatorRecvDataSegmentLength=262144", NULL));
	g_assert_cmpstr(iproto_text_list_get(out, "OFMarker"), ==, "Reject");
	g_assert_cmpstr(iproto_text_list_get(out, "IFMarker"), ==, "Reject");
	g_assert_cmpstr(iproto_text_list_get(out, "OFMarkInt"), ==, "Reject");
	g_assert_cmpstr(iproto_text_list_get(out, "IFMarkInt"), ==, "Reject");
	g_assert_cmpstr(iproto_text_list_get(out, "RDMAExtensions"), ==, "No");
	g_assert_cmpstr(iproto_text_list_get(out, "InitiatorRecvDataSegmentLength"), ==, "Irrelevant");
}

static void test_auth_method_reject(void)
{
	IProtoNegConfig cfg = target_cfg();
	cfg.auth_method = "CHAP";
	g_autoptr(IProtoNeg) neg = iproto_neg_new(IPROTO_ROLE_TARGET, &cfg, TRUE, NULL);
	g_autoptr(IProtoTextList) in = kv(INAME, TNAME, "AuthMethod=None", NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_assert_true(iproto_neg_receive(neg, IPROTO_PHASE_SECURITY, in, out, NULL));
	g_assert_cmpstr(iproto_text_list_get(out, "AuthMethod"), ==, "Reject");
	g_assert_cmpint(iproto_neg_auth_method(neg), ==, IPROTO_AUTH_REJECT);
}

/* Runs a whole login between an initiator engine and a target engine and
 * checks both end with the same values. */
static void exchange(IProtoNeg *ini, IProtoNeg *tgt, IProtoPhase phase)
{
	g_autoptr(IProtoTextList) req = iproto_text_list_new();
	g_autoptr(IProtoTextList) resp = iproto_text_list_new();
	g_autoptr(IProtoTextList) back = iproto_text_list_new();
	g_autoptr(GError) err = NULL;
	iproto_neg_offer(ini, phase, req);
	g_assert_true(iproto_neg_waiting(ini) || phase == IPROTO_PHASE_FFP);
	g_assert_true(iproto_neg_receive(tgt, phase, req, resp, &err));
	g_assert_no_error(err);
	iproto_neg_offer(tgt, phase, resp);
	g_assert_true(iproto_neg_receive(ini, phase, resp, back, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(iproto_text_list_length(back), ==, 0);
	g_assert_false(iproto_neg_waiting(ini));
}

static void test_initiator_target_login(void)
{
	IProtoNegConfig tcfg = target_cfg();
	tcfg.header_digest = "CRC32C,None";
	tcfg.auth_method = "CHAP,None";
	tcfg.session.max_burst_length = 1048576;
	tcfg.session.first_burst_length = 262144;
	tcfg.session.immediate_data = TRUE;
	tcfg.session.initial_r2t = FALSE;
	IProtoNegConfig icfg;
	iproto_neg_config_init(&icfg);
	icfg.session.initiator_name = "iqn.2026-01.test.init:host1";
	icfg.session.target_name = "iqn.2026-01.test.tgt:disk1";
	icfg.header_digest = "CRC32C,None";
	icfg.auth_method = "CHAP";
	icfg.max_recv_dsl = 65536;
	icfg.session.max_burst_length = 524288;
	icfg.session.first_burst_length = 131072;
	icfg.session.initial_r2t = FALSE;
	icfg.session.max_connections = 2;
	icfg.session.error_recovery_level = 1;
	g_assert_true(iproto_neg_config_check(&icfg, NULL));
	g_assert_true(iproto_neg_config_check(&tcfg, NULL));

	g_autoptr(IProtoNeg) ini = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, TRUE, NULL);
	g_autoptr(IProtoNeg) tgt = iproto_neg_new(IPROTO_ROLE_TARGET, &tcfg, TRUE, NULL);
	exchange(ini, tgt, IPROTO_PHASE_SECURITY);
	g_assert_cmpint(iproto_neg_auth_method(ini), ==, IPROTO_AUTH_CHAP);
	g_assert_cmpint(iproto_neg_auth_method(tgt), ==, IPROTO_AUTH_CHAP);
	g_assert_cmpint(iproto_neg_session(ini)->tpgt, ==, 1);
	g_assert_cmpstr(iproto_neg_session(ini)->target_alias, ==, "disk one");
	exchange(ini, tgt, IPROTO_PHASE_OPERATIONAL);
	g_assert_true(iproto_neg_finish(ini, NULL));
	g_assert_true(iproto_neg_finish(tgt, NULL));

	const IProtoSessionParams *a = iproto_neg_session(ini), *b = iproto_neg_session(tgt);
	g_assert_cmpuint(a->max_burst_length, ==, 524288);
	g_assert_cmpuint(a->first_burst_length, ==, 131072);
	g_assert_cmpuint(a->max_connections, ==, 2);
	g_assert_cmpuint(a->error_recovery_level, ==, 0);
	g_assert_false(a->initial_r2t);
	g_assert_true(a->immediate_data);
	g_assert_cmpuint(a->max_burst_length, ==, b->max_burst_length);
	g_assert_cmpuint(a->first_burst_length, ==, b->first_burst_length);
	g_assert_cmpuint(a->max_connections, ==, b->max_connections);
	g_assert_cmpint(a->initial_r2t, ==, b->initial_r2t);
	g_assert_cmpint(a->immediate_data, ==, b->immediate_data);
	g_assert_cmpuint(a->default_time2wait, ==, b->default_time2wait);
	g_assert_cmpstr(b->initiator_name, ==, icfg.session.initiator_name);
	const IProtoConnParams *ci = iproto_neg_conn(ini), *ct = iproto_neg_conn(tgt);
	g_assert_cmpint(ci->header_digest, ==, IPROTO_DIGEST_CRC32C);
	g_assert_cmpint(ct->header_digest, ==, IPROTO_DIGEST_CRC32C);
	/* MaxRecvDataSegmentLength per direction (sec. 13.12) */
	g_assert_cmpuint(ci->max_recv_dsl, ==, 65536);
	g_assert_cmpuint(ct->max_send_dsl, ==, 65536);
	g_assert_cmpuint(ct->max_recv_dsl, ==, 262144);
	g_assert_cmpuint(ci->max_send_dsl, ==, 262144);
}

static void test_proposer_checks_answers(void)
{
	IProtoNegConfig icfg;
	iproto_neg_config_init(&icfg);
	icfg.session.initiator_name = "iqn.2026-01.test.init:host1";
	icfg.session.target_name = "iqn.2026-01.test.tgt:disk1";
	icfg.header_digest = "CRC32C";
	static const char *const bad[] = { "MaxBurstLength=262145", /* above our offer: not a minimum */
					   "DefaultTime2Wait=1",     /* below our offer: not a maximum */
					   "InitialR2T=No",          /* we said Yes: OR gives Yes */
					   "HeaderDigest=None",      /* not in our list */
					   "ErrorRecoveryLevel=abc" };
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(IProtoNeg) ini = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, TRUE, NULL);
		g_autoptr(IProtoTextList) req = iproto_text_list_new();
		iproto_neg_offer(ini, IPROTO_PHASE_OPERATIONAL, req);
		g_assert_cmpstr(iproto_text_list_get(req, "MaxBurstLength"), ==, "262144");
		expect_receive_error(ini, IPROTO_PHASE_OPERATIONAL, kv(bad[i], NULL), IPROTO_ERROR_NEGOTIATION, 0x0200);
	}
	/* Reject and NotUnderstood keep the default; unanswered offers fail finish */
	g_autoptr(IProtoNeg) ini = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, TRUE, NULL);
	g_autoptr(IProtoTextList) req = iproto_text_list_new();
	iproto_neg_offer(ini, IPROTO_PHASE_OPERATIONAL, req);
	g_autoptr(IProtoTextList) resp = kv("HeaderDigest=Reject", "MaxBurstLength=NotUnderstood",
					    "TargetAddress=127.0.0.1:3260,1", "TargetAddress=[::1]:3260,1", NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_assert_true(iproto_neg_receive(ini, IPROTO_PHASE_OPERATIONAL, resp, out, NULL));
	g_assert_cmpint(iproto_neg_conn(ini)->header_digest, ==, IPROTO_DIGEST_NONE);
	g_assert_cmpuint(iproto_neg_session(ini)->max_burst_length, ==, 262144);
	g_assert_true(iproto_neg_waiting(ini));
	g_autoptr(GError) err = NULL;
	g_assert_false(iproto_neg_finish(ini, &err));
	g_assert_error(err, IPROTO_ERROR, IPROTO_ERROR_NEGOTIATION);
}

/* The initiator answers what the target offers on its own. */
static void test_initiator_as_acceptor(void)
{
	IProtoNegConfig icfg;
	iproto_neg_config_init(&icfg);
	icfg.session.max_burst_length = 65536;
	g_autoptr(IProtoNeg) ini = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, TRUE, NULL);
	g_autoptr(IProtoTextList) in = kv("MaxBurstLength=262144", "X-vendor.thing=1", NULL);
	g_autoptr(IProtoTextList) out = iproto_text_list_new();
	g_assert_true(iproto_neg_receive(ini, IPROTO_PHASE_OPERATIONAL, in, out, NULL));
	g_assert_cmpstr(iproto_text_list_get(out, "MaxBurstLength"), ==, "65536");
	g_assert_cmpstr(iproto_text_list_get(out, "X-vendor.thing"), ==, "NotUnderstood");
	/* and does not offer it again */
	g_autoptr(IProtoTextList) offer = iproto_text_list_new();
	iproto_neg_offer(ini, IPROTO_PHASE_OPERATIONAL, offer);
	g_assert_null(iproto_text_list_get(offer, "MaxBurstLength"));
	/* initiator-only keys from the target are errors */
	g_autoptr(IProtoNeg) ini2 = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, TRUE, NULL);
	expect_receive_error(ini2, IPROTO_PHASE_OPERATIONAL, kv("InitiatorAlias=x", NULL), IPROTO_ERROR_NEGOTIATION,
			     0x0200);
}

static void test_discovery_initiator_offer(void)
{
	IProtoNegConfig icfg;
	iproto_neg_config_init(&icfg);
	icfg.session.initiator_name = "iqn.2026-01.test.init:host1";
	icfg.session.session_type = IPROTO_SESSION_DISCOVERY;
	g_autoptr(IProtoNeg) ini = iproto_neg_new(IPROTO_ROLE_INITIATOR, &icfg, TRUE, NULL);
	g_autoptr(IProtoTextList) req = iproto_text_list_new();
	iproto_neg_offer(ini, IPROTO_PHASE_OPERATIONAL, req);
	g_assert_cmpstr(iproto_text_list_get(req, "SessionType"), ==, "Discovery");
	g_assert_null(iproto_text_list_get(req, "TargetName"));
	g_assert_null(iproto_text_list_get(req, "MaxBurstLength"));
	g_assert_null(iproto_text_list_get(req, "InitialR2T"));
	g_assert_nonnull(iproto_text_list_get(req, "HeaderDigest"));
	g_assert_nonnull(iproto_text_list_get(req, "MaxRecvDataSegmentLength"));
}

static void test_config_check(void)
{
	IProtoNegConfig cfg;
	iproto_neg_config_init(&cfg);
	g_assert_true(iproto_neg_config_check(&cfg, NULL));
	cfg.session.first_burst_length = 1048576;
	g_assert_false(iproto_neg_config_check(&cfg, NULL));
	iproto_neg_config_init(&cfg);
	cfg.session.max_connections = 0;
	g_assert_false(iproto_neg_config_check(&cfg, NULL));
	iproto_neg_config_init(&cfg);
	cfg.header_digest = "CRC32";
	g_assert_false(iproto_neg_config_check(&cfg, NULL));
	iproto_neg_config_init(&cfg);
	cfg.max_recv_dsl = 100;
	g_assert_false(iproto_neg_config_check(&cfg, NULL));
}

static void test_login_status(void)
{
	g_autoptr(GError) a = g_error_new(IPROTO_ERROR, IPROTO_ERROR_AUTH, "x");
	g_autoptr(GError) b = g_error_new(IPROTO_ERROR, IPROTO_ERROR_KEY_MISSING, "x");
	g_autoptr(GError) c = g_error_new(IPROTO_ERROR, IPROTO_ERROR_TEXT_FORMAT, "x");
	g_autoptr(GError) d = g_error_new(G_FILE_ERROR, G_FILE_ERROR_FAILED, "x");
	g_assert_cmphex(iproto_neg_login_status(a), ==, 0x0201);
	g_assert_cmphex(iproto_neg_login_status(b), ==, 0x0207);
	g_assert_cmphex(iproto_neg_login_status(c), ==, 0x0200);
	g_assert_cmphex(iproto_neg_login_status(d), ==, 0x0300);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/negotiate/target/first-request", test_first_request_security);
	g_test_add_func("/negotiate/target/numeric", test_numeric_results);
	g_test_add_func("/negotiate/target/boolean-list", test_boolean_and_list_results);
	g_test_add_func("/negotiate/target/out-of-range", test_out_of_range_rejected);
	g_test_add_func("/negotiate/target/range-boundaries", test_range_boundaries);
	g_test_add_func("/negotiate/target/unknown", test_unknown_keys);
	g_test_add_func("/negotiate/target/duplicates", test_duplicates);
	g_test_add_func("/negotiate/target/discovery", test_discovery_irrelevant);
	g_test_add_func("/negotiate/target/first-burst", test_first_burst_rules);
	g_test_add_func("/negotiate/target/leading-only", test_leading_only);
	g_test_add_func("/negotiate/target/missing", test_missing_keys);
	g_test_add_func("/negotiate/target/phase-sender", test_phase_and_sender_rules);
	g_test_add_func("/negotiate/target/obsolete-iser", test_obsolete_and_iser);
	g_test_add_func("/negotiate/target/auth-reject", test_auth_method_reject);
	g_test_add_func("/negotiate/both/login", test_initiator_target_login);
	g_test_add_func("/negotiate/initiator/check-answers", test_proposer_checks_answers);
	g_test_add_func("/negotiate/initiator/acceptor", test_initiator_as_acceptor);
	g_test_add_func("/negotiate/initiator/discovery", test_discovery_initiator_offer);
	g_test_add_func("/negotiate/config-check", test_config_check);
	g_test_add_func("/negotiate/login-status", test_login_status);
	return g_test_run();
}

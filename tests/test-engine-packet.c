/* test-engine-packet.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "test-utils.h"

#include <string.h>

/* Every packet type with a sample of what it carries on the wire (Engine.IO v4, section
 * "Packet encoding"). */
typedef struct
{
  SioEnginePacketType  type;
  const char          *encoded;
  const char          *data;
} PacketCase;

static const PacketCase packet_cases[] = {
  { SIO_ENGINE_PACKET_OPEN, "0{\"sid\":\"abc\"}", "{\"sid\":\"abc\"}" },
  { SIO_ENGINE_PACKET_CLOSE, "1", "" },
  { SIO_ENGINE_PACKET_PING, "2", "" },
  { SIO_ENGINE_PACKET_PING, "2probe", "probe" },
  { SIO_ENGINE_PACKET_PONG, "3", "" },
  { SIO_ENGINE_PACKET_PONG, "3probe", "probe" },
  { SIO_ENGINE_PACKET_MESSAGE, "4hello", "hello" },
  { SIO_ENGINE_PACKET_MESSAGE, "4", "" },
  { SIO_ENGINE_PACKET_MESSAGE, "4h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80",
    "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80" },
  { SIO_ENGINE_PACKET_MESSAGE, "442[\"chat\",{\"a\":1}]", "42[\"chat\",{\"a\":1}]" },
  { SIO_ENGINE_PACKET_UPGRADE, "5", "" },
  { SIO_ENGINE_PACKET_NOOP, "6", "" },
};

static void
assert_packet_text (SioEnginePacket     *packet,
                    SioEnginePacketType  type,
                    const char          *data)
{
  const char *got;
  gsize len = G_MAXSIZE;

  g_assert_nonnull (packet);
  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, type);
  g_assert_false (sio_engine_packet_is_binary (packet));
  got = sio_engine_packet_get_data (packet, &len);
  g_assert_cmpuint (len, ==, strlen (data));
  g_assert_nonnull (got);
  g_assert_cmpmem (got, len, data, strlen (data));
  /* get_data() promises a nul-terminated string. */
  g_assert_cmpint (got[len], ==, '\0');
}

static void
assert_packet_binary (SioEnginePacket *packet,
                      const void      *data,
                      gsize            len)
{
  g_autoptr(GBytes) bytes = NULL;

  g_assert_nonnull (packet);
  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, SIO_ENGINE_PACKET_MESSAGE);
  g_assert_true (sio_engine_packet_is_binary (packet));
  bytes = sio_engine_packet_get_bytes (packet);
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, len);
}

static char *
encode_one (SioEnginePacket *packet)
{
  g_autoptr(GBytes) bytes = sio_engine_payload_encode (&packet, 1, 4);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data != NULL ? data : "", len);
}

static void
test_new_text (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (packet_cases); i++)
    {
      const PacketCase *c = &packet_cases[i];
      g_autoptr(SioEnginePacket) packet = sio_engine_packet_new (c->type, c->data, -1);
      g_autoptr(SioEnginePacket) sized = NULL;

      assert_packet_text (packet, c->type, c->data);

      /* An explicit length takes only that many bytes. */
      sized = sio_engine_packet_new (c->type, "xyz", 0);
      assert_packet_text (sized, c->type, "");
    }
}

static void
test_new_null_data (void)
{
  g_autoptr(SioEnginePacket) ping = sio_engine_packet_new (SIO_ENGINE_PACKET_PING, NULL, 0);
  g_autoptr(SioEnginePacket) noop = sio_engine_packet_new (SIO_ENGINE_PACKET_NOOP, NULL, -1);
  g_autofree char *ping_wire = NULL;
  g_autofree char *noop_wire = NULL;

  g_assert_cmpint (sio_engine_packet_get_kind (ping), ==, SIO_ENGINE_PACKET_PING);
  ping_wire = encode_one (ping);
  noop_wire = encode_one (noop);
  g_assert_cmpstr (ping_wire, ==, "2");
  g_assert_cmpstr (noop_wire, ==, "6");
}

static void
test_new_binary (void)
{
  static const guint8 data[] = { 0, 1, 2, 3, 0xfe, 0xff };
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(SioEnginePacket) packet = sio_engine_packet_new_binary (bytes);
  g_autoptr(SioEnginePacket) empty_packet = sio_engine_packet_new_binary (empty);
  gsize len = G_MAXSIZE;

  assert_packet_binary (packet, data, sizeof data);
  g_assert_nonnull (sio_engine_packet_get_data (packet, &len));
  g_assert_cmpmem (sio_engine_packet_get_data (packet, NULL), len, data, sizeof data);

  assert_packet_binary (empty_packet, "", 0);
}

static void
test_ref_unref (void)
{
  SioEnginePacket *packet = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, "hi", -1);
  GType type = SIO_TYPE_ENGINE_PACKET;
  SioEnginePacket *copy;

  g_assert_true (G_TYPE_IS_BOXED (type));
  g_assert_true (sio_engine_packet_ref (packet) == packet);
  sio_engine_packet_unref (packet);

  /* The boxed copy is a reference. */
  copy = g_boxed_copy (type, packet);
  g_assert_true (copy == packet);
  g_boxed_free (type, copy);

  assert_packet_text (packet, SIO_ENGINE_PACKET_MESSAGE, "hi");
  sio_engine_packet_unref (packet);
}

static void
test_decode_types (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (packet_cases); i++)
    {
      const PacketCase *c = &packet_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(SioEnginePacket) packet = NULL;

      packet = sio_engine_packet_decode (c->encoded, strlen (c->encoded), 4, &error);
      g_assert_no_error (error);
      assert_packet_text (packet, c->type, c->data);
    }
}

static void
test_decode_honours_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SioEnginePacket) packet = NULL;

  /* Only the first 4 bytes are the packet; the rest must not be read. */
  packet = sio_engine_packet_decode ("4hel" "lo-not-mine", 4, 4, &error);
  g_assert_no_error (error);
  assert_packet_text (packet, SIO_ENGINE_PACKET_MESSAGE, "hel");
}

static void
test_decode_binary_base64 (void)
{
  static const guint8 four[] = { 1, 2, 3, 4 };
  static const struct {
    const char *encoded;
    const char *data;
    gsize len;
  } cases[] = {
    { "bAQIDBA==", (const char *) four, 4 },
    { "bAQ==", "\x01", 1 },
    { "bAQI=", "\x01\x02", 2 },
    { "bAQID", "\x01\x02\x03", 3 },
    { "b", "", 0 },
    { "b/+8=", "\xff\xef", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SioEnginePacket) packet = NULL;

      packet = sio_engine_packet_decode (cases[i].encoded, strlen (cases[i].encoded), 4, &error);
      g_assert_no_error (error);
      assert_packet_binary (packet, cases[i].data, cases[i].len);
    }
}

static void
test_decode_bad (void)
{
  static const struct {
    const char *encoded;
    gsize len;
  } cases[] = {
    { "", 0 },
    { "9x", 2 },
    { "7", 1 },
    { "8hello", 6 },
    { "x", 1 },
    { "abc", 3 },
    { " 4hello", 7 },
    { "-1", 2 },
    { "\x1e", 1 },
    { "b!!!", 4 },
    { "bAQ*DBA==", 9 },
    { "4\xff\xfe", 3 },            /* not UTF-8 */
    { "4a\xc3", 3 },               /* truncated UTF-8 sequence */
    { "\0" "4", 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SioEnginePacket) packet = NULL;

      packet = sio_engine_packet_decode (cases[i].encoded, cases[i].len, 4, &error);
      if (packet != NULL)
        g_error ("case %u: '%s' decoded as a packet of type %d", i, cases[i].encoded,
                 sio_engine_packet_get_kind (packet));
      g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
    }
}

static GPtrArray *
decode_payload_ok (const char *payload,
                   gssize      len)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *packets;

  if (len < 0)
    len = strlen (payload);
  packets = sio_engine_payload_decode (payload, len, 4, &error);
  g_assert_no_error (error);
  g_assert_nonnull (packets);
  return packets;
}

static void
test_payload_decode (void)
{
  g_autoptr(GPtrArray) one = decode_payload_ok ("4hello", -1);
  g_autoptr(GPtrArray) three = decode_payload_ok ("4test1\x1e" "4test2\x1e" "4test3", -1);
  g_autoptr(GPtrArray) mixed = decode_payload_ok ("4hello\x1e" "bAQIDBA==\x1e" "3\x1e" "6", -1);
  g_autoptr(GPtrArray) empties = decode_payload_ok ("4\x1e" "4", -1);
  static const guint8 four[] = { 1, 2, 3, 4 };

  g_assert_cmpuint (one->len, ==, 1);
  assert_packet_text (g_ptr_array_index (one, 0), SIO_ENGINE_PACKET_MESSAGE, "hello");

  g_assert_cmpuint (three->len, ==, 3);
  assert_packet_text (g_ptr_array_index (three, 0), SIO_ENGINE_PACKET_MESSAGE, "test1");
  assert_packet_text (g_ptr_array_index (three, 1), SIO_ENGINE_PACKET_MESSAGE, "test2");
  assert_packet_text (g_ptr_array_index (three, 2), SIO_ENGINE_PACKET_MESSAGE, "test3");

  g_assert_cmpuint (mixed->len, ==, 4);
  assert_packet_text (g_ptr_array_index (mixed, 0), SIO_ENGINE_PACKET_MESSAGE, "hello");
  assert_packet_binary (g_ptr_array_index (mixed, 1), four, sizeof four);
  assert_packet_text (g_ptr_array_index (mixed, 2), SIO_ENGINE_PACKET_PONG, "");
  assert_packet_text (g_ptr_array_index (mixed, 3), SIO_ENGINE_PACKET_NOOP, "");

  g_assert_cmpuint (empties->len, ==, 2);
  assert_packet_text (g_ptr_array_index (empties, 0), SIO_ENGINE_PACKET_MESSAGE, "");
  assert_packet_text (g_ptr_array_index (empties, 1), SIO_ENGINE_PACKET_MESSAGE, "");
}

static void
test_payload_decode_bad (void)
{
  /* The reference decoder turns each of these into an error packet ("parse error"). */
  static const char * const cases[] = {
    "",
    "\x1e",
    "4a\x1e",
    "\x1e" "4a",
    "4a\x1e\x1e" "4b",
    "4a\x1e" "9x",
    "4a\x1e" "b!!!",
    "abc",
    "4a\x1e\xff",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) packets = NULL;

      packets = sio_engine_payload_decode (cases[i], strlen (cases[i]), 4, &error);
      if (packets != NULL)
        g_error ("case %u: payload decoded into %u packets", i, packets->len);
      g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
    }
}

static void
test_payload_encode (void)
{
  static const guint8 four[] = { 1, 2, 3, 4 };
  g_autoptr(GBytes) bin = g_bytes_new_static (four, sizeof four);
  SioEnginePacket *packets[4];
  g_autoptr(GBytes) one = NULL;
  g_autoptr(GBytes) all = NULL;
  g_autoptr(GBytes) none = NULL;

  packets[0] = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, "hello", -1);
  packets[1] = sio_engine_packet_new_binary (bin);
  packets[2] = sio_engine_packet_new (SIO_ENGINE_PACKET_PING, NULL, 0);
  packets[3] = sio_engine_packet_new (SIO_ENGINE_PACKET_CLOSE, NULL, 0);

  one = sio_engine_payload_encode (packets, 1, 4);
  g_assert_cmpmem (g_bytes_get_data (one, NULL), g_bytes_get_size (one), "4hello", 6);

  /* Binary packets travel as "b" + base64 in a polling payload; \x1e separates packets and
   * does not end the payload. */
  all = sio_engine_payload_encode (packets, 4, 4);
  g_assert_cmpmem (g_bytes_get_data (all, NULL), g_bytes_get_size (all),
                   "4hello\x1e" "bAQIDBA==\x1e" "2\x1e" "1", 20);

  none = sio_engine_payload_encode (packets, 0, 4);
  g_assert_cmpuint (g_bytes_get_size (none), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    sio_engine_packet_unref (packets[i]);
}

static void
test_payload_round_trip_types (void)
{
  SioEnginePacket *packets[G_N_ELEMENTS (packet_cases)];
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (packet_cases); i++)
    {
      packets[i] = sio_engine_packet_new (packet_cases[i].type, packet_cases[i].data, -1);
      if (i > 0)
        g_string_append_c (expected, '\x1e');
      g_string_append (expected, packet_cases[i].encoded);
    }

  encoded = sio_engine_payload_encode (packets, G_N_ELEMENTS (packets), 4);
  g_assert_cmpmem (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                   expected->str, expected->len);

  decoded = decode_payload_ok (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));
  g_assert_cmpuint (decoded->len, ==, G_N_ELEMENTS (packet_cases));
  for (guint i = 0; i < decoded->len; i++)
    assert_packet_text (g_ptr_array_index (decoded, i), packet_cases[i].type,
                        packet_cases[i].data);

  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    sio_engine_packet_unref (packets[i]);
}

static void
test_payload_round_trip_binary (void)
{
  /* Lengths around base64's 3-byte groups, and one big enough to need many lines. */
  static const gsize sizes[] = { 0, 1, 2, 3, 4, 5, 255, 256, 65537, 300001 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *data = g_malloc (sizes[i] + 1);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) encoded = NULL;
      g_autoptr(GPtrArray) decoded = NULL;
      g_autofree char *b64 = NULL;
      SioEnginePacket *packets[2];
      gsize len;
      const char *wire;

      for (gsize j = 0; j < sizes[i]; j++)
        data[j] = (j * 7 + i) & 0xff;
      bytes = g_bytes_new (data, sizes[i]);

      packets[0] = sio_engine_packet_new_binary (bytes);
      packets[1] = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, "after", -1);
      encoded = sio_engine_payload_encode (packets, 2, 4);

      /* Exactly "b" + standard base64 with padding, no line breaks. */
      b64 = g_base64_encode (data, sizes[i]);
      wire = g_bytes_get_data (encoded, &len);
      g_assert_cmpuint (len, ==, 1 + strlen (b64) + 1 + 6);
      g_assert_cmpint (wire[0], ==, 'b');
      g_assert_cmpmem (wire + 1, strlen (b64), b64, strlen (b64));

      decoded = decode_payload_ok (wire, len);
      g_assert_cmpuint (decoded->len, ==, 2);
      assert_packet_binary (g_ptr_array_index (decoded, 0), data, sizes[i]);
      assert_packet_text (g_ptr_array_index (decoded, 1), SIO_ENGINE_PACKET_MESSAGE, "after");

      sio_engine_packet_unref (packets[0]);
      sio_engine_packet_unref (packets[1]);
    }
}

static void
test_payload_many (void)
{
  g_autoptr(GString) payload = g_string_new (NULL);
  g_autoptr(GPtrArray) decoded = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (payload, "%s4message %u", i > 0 ? "\x1e" : "", i);

  decoded = decode_payload_ok (payload->str, payload->len);
  g_assert_cmpuint (decoded->len, ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *expected = g_strdup_printf ("message %u", i);

      assert_packet_text (g_ptr_array_index (decoded, i), SIO_ENGINE_PACKET_MESSAGE, expected);
    }
}

static void
test_close_reason_strings (void)
{
  /* The words the reference server reports (socket.ts "close" reasons). */
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_TRANSPORT_CLOSE), ==,
                   "transport close");
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_TRANSPORT_ERROR), ==,
                   "transport error");
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_PING_TIMEOUT), ==,
                   "ping timeout");
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_PARSE_ERROR), ==,
                   "parse error");
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_FORCED), ==,
                   "forced close");
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE), ==,
                   "transport error");
  g_assert_cmpstr (sio_engine_close_reason_to_string (SIO_ENGINE_CLOSE_SLOW_CONSUMER), ==,
                   "transport error");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sio/engine/packet/new-text", test_new_text);
  g_test_add_func ("/sio/engine/packet/new-null-data", test_new_null_data);
  g_test_add_func ("/sio/engine/packet/new-binary", test_new_binary);
  g_test_add_func ("/sio/engine/packet/ref-unref", test_ref_unref);
  g_test_add_func ("/sio/engine/packet/decode-types", test_decode_types);
  g_test_add_func ("/sio/engine/packet/decode-honours-length", test_decode_honours_length);
  g_test_add_func ("/sio/engine/packet/decode-binary", test_decode_binary_base64);
  g_test_add_func ("/sio/engine/packet/decode-bad", test_decode_bad);
  g_test_add_func ("/sio/engine/payload/decode", test_payload_decode);
  g_test_add_func ("/sio/engine/payload/decode-bad", test_payload_decode_bad);
  g_test_add_func ("/sio/engine/payload/encode", test_payload_encode);
  g_test_add_func ("/sio/engine/payload/round-trip-types", test_payload_round_trip_types);
  g_test_add_func ("/sio/engine/payload/round-trip-binary", test_payload_round_trip_binary);
  g_test_add_func ("/sio/engine/payload/many", test_payload_many);
  g_test_add_func ("/sio/engine/close-reason/strings", test_close_reason_strings);

  return g_test_run ();
}

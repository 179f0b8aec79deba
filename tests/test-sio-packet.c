/* test-sio-packet.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-json.h"
#include "sio-packet.h"

#include <string.h>

#define MAX_SAFE_ID G_GINT64_CONSTANT (9007199254740991)

/* The placeholder socket.io-parser writes for attachment n. */
#define PH(n) "{\"_placeholder\":true,\"num\":" #n "}"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (text == NULL)
    return NULL;

  node = sio_json_from_string (text, -1, &error);
  g_assert_no_error (error);

  return node;
}

static void
assert_json (JsonNode   *node,
             const char *expected)
{
  g_autofree char *text = NULL;

  if (expected == NULL)
    {
      g_assert_null (node);
      return;
    }

  g_assert_nonnull (node);
  text = sio_json_to_string (node);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       len)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, len);
}

static gboolean
feed_text (SioPacketDecoder  *decoder,
           const char        *text,
           SioPacket        **out,
           GError           **error)
{
  return sio_packet_decoder_feed_text (decoder, text, strlen (text), out, error);
}

static JsonNode *
data_element (SioPacket *packet,
              guint      index)
{
  return json_array_get_element (json_node_get_array (sio_packet_get_data (packet)), index);
}

/* Decodes text that must be a complete, valid packet. */
static SioPacket *
decode_text (int         protocol,
             const char *text)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (protocol);
  g_autoptr(GError) error = NULL;
  SioPacket *packet = NULL;

  g_assert_true (feed_text (decoder, text, &packet, &error));
  g_assert_no_error (error);
  g_assert_nonnull (packet);
  g_assert_false (sio_packet_decoder_is_reconstructing (decoder));

  return packet;
}

static void
assert_packet (SioPacket     *packet,
               SioPacketType  type,
               const char    *nsp,
               gint64         id,
               const char    *data)
{
  g_assert_nonnull (packet);
  g_assert_cmpint (sio_packet_get_kind (packet), ==, type);
  g_assert_cmpstr (sio_packet_get_namespace (packet), ==, nsp);
  g_assert_cmpint (sio_packet_get_id (packet), ==, id);
  assert_json (sio_packet_get_data (packet), data);
}

/* Encoding: the "Packet encoding" examples of the protocol Readme, and socket.io-parser's. */

typedef struct
{
  SioPacketType  type;
  const char    *nsp;
  gint64         id;
  const char    *data;
  const char    *encoded;
} EncodeCase;

static const EncodeCase encode_cases[] = {
  /* Readme, "Connection to a namespace" */
  { SIO_PACKET_CONNECT, "/", -1, NULL, "0" },
  { SIO_PACKET_CONNECT, "/admin", -1, "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}",
    "0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}" },
  { SIO_PACKET_CONNECT_ERROR, "/", -1, "{\"message\":\"Not authorized\"}",
    "4{\"message\":\"Not authorized\"}" },
  /* Readme, "Sending and receiving data" */
  { SIO_PACKET_EVENT, "/", -1, "[\"foo\"]", "2[\"foo\"]" },
  { SIO_PACKET_EVENT, "/admin", -1, "[\"bar\"]", "2/admin,[\"bar\"]" },
  /* Readme, "Acknowledgement" */
  { SIO_PACKET_EVENT, "/", 12, "[\"foo\"]", "212[\"foo\"]" },
  { SIO_PACKET_ACK, "/admin", 13, "[\"bar\"]", "3/admin,13[\"bar\"]" },
  /* Readme, "Disconnection from a namespace" */
  { SIO_PACKET_DISCONNECT, "/", -1, NULL, "1" },
  { SIO_PACKET_DISCONNECT, "/admin", -1, NULL, "1/admin," },
  /* Readme, "Sample session" */
  { SIO_PACKET_CONNECT, "/", -1, "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}",
    "0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}" },
  { SIO_PACKET_EVENT, "/", -1, "[\"hey\",\"Jude\"]", "2[\"hey\",\"Jude\"]" },
  { SIO_PACKET_CONNECT, "/admin", -1, NULL, "0/admin," },
  { SIO_PACKET_CONNECT, "/admin", -1, "{\"sid\":\"-G5j-67EZFp-q59rADQM\"}",
    "0/admin,{\"sid\":\"-G5j-67EZFp-q59rADQM\"}" },
  { SIO_PACKET_EVENT, "/admin", 1, "[\"tellme\"]", "2/admin,1[\"tellme\"]" },
  /* Others */
  { SIO_PACKET_CONNECT, "/", -1, "{\"sid\":\"x\"}", "0{\"sid\":\"x\"}" },
  { SIO_PACKET_CONNECT, "/admin", -1, "{\"token\":\"123\"}", "0/admin,{\"token\":\"123\"}" },
  { SIO_PACKET_CONNECT_ERROR, "/", -1, "{\"message\":\"Invalid namespace\"}",
    "4{\"message\":\"Invalid namespace\"}" },
  { SIO_PACKET_CONNECT_ERROR, "/", -1, "\"Unauthorized\"", "4\"Unauthorized\"" },
  { SIO_PACKET_EVENT, "/", -1, "[\"hello\",1]", "2[\"hello\",1]" },
  { SIO_PACKET_EVENT, "/", 1, "[\"ack-me\"]", "21[\"ack-me\"]" },
  { SIO_PACKET_EVENT, "/", -1, "[1,\"a\",{}]", "2[1,\"a\",{}]" },
  { SIO_PACKET_EVENT, "/test", 1, "[\"a\",1,{}]", "2/test,1[\"a\",1,{}]" },
  { SIO_PACKET_ACK, "/", 123, "[\"a\",1,{}]", "3123[\"a\",1,{}]" },
  { SIO_PACKET_ACK, "/admin", 13, "[]", "3/admin,13[]" },
  { SIO_PACKET_ACK, "/", 0, "[]", "30[]" },
  { SIO_PACKET_ACK, "/", MAX_SAFE_ID, "[null]", "39007199254740991[null]" },
  /* JS numbers and escapes in the payload */
  { SIO_PACKET_EVENT, "/", -1, "[\"n\",1.0,0.1,1e21,1.5e-7,-0,100000000000000000000]",
    "2[\"n\",1,0.1,1e+21,1.5e-7,0,100000000000000000000]" },
  { SIO_PACKET_EVENT, "/", -1, "[\"s\",\"a\\\"b\\n\\u0001\\u2028\"]",
    "2[\"s\",\"a\\\"b\\n\\u0001\xe2\x80\xa8\"]" },
  /* A null payload is not written, as `null != obj.data` in the reference. */
  { SIO_PACKET_CONNECT, "/", -1, "null", "0" },
};

static void
test_encode (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (encode_cases); i++)
    {
      const EncodeCase *c = &encode_cases[i];
      g_autoptr(JsonNode) data = parse_json (c->data);
      g_autoptr(SioPacket) packet = sio_packet_new (c->type, c->nsp, c->id, data);
      g_autoptr(GPtrArray) attachments = NULL;
      g_autofree char *encoded = sio_packet_encode (packet, &attachments);
      g_autofree char *encoded_v4 = NULL;

      g_assert_cmpstr (encoded, ==, c->encoded);
      g_assert_nonnull (attachments);
      g_assert_cmpuint (attachments->len, ==, 0);

      /* Same framing in protocol 4, except that CONNECT carries no payload there. */
      encoded_v4 = sio_packet_encode_for_protocol (packet, SIO_PROTOCOL_V4, NULL);
      if (c->type != SIO_PACKET_CONNECT)
        g_assert_cmpstr (encoded_v4, ==, c->encoded);
    }
}

static void
test_encode_default_namespace (void)
{
  g_autoptr(JsonNode) data = parse_json ("[\"x\"]");
  g_autoptr(SioPacket) packet = sio_packet_new (SIO_PACKET_EVENT, NULL, -1, data);
  g_autofree char *encoded = sio_packet_encode (packet, NULL);

  g_assert_cmpstr (sio_packet_get_namespace (packet), ==, "/");
  g_assert_cmpstr (encoded, ==, "2[\"x\"]");
  g_assert_true (sio_packet_get_data (packet) == data);
}

static const guint8 bytes_1234[] = { 1, 2, 3, 4 };
static const guint8 bytes_12[] = { 1, 2 };
static const guint8 bytes_34[] = { 3, 4 };

static void
test_encode_binary (void)
{
  g_autoptr(GBytes) b1234 = g_bytes_new_static (bytes_1234, sizeof bytes_1234);
  g_autoptr(GBytes) b12 = g_bytes_new_static (bytes_12, sizeof bytes_12);
  g_autoptr(GBytes) b34 = g_bytes_new_static (bytes_34, sizeof bytes_34);
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(GPtrArray) attachments = NULL;
  g_autofree char *encoded = NULL;
  guint num;

  /* Readme: { type: BINARY_EVENT, namespace: "/", data: ["baz", <Buffer <01 02 03 04>> ] } */
  array = json_array_new ();
  data = json_node_init_array (json_node_alloc (), array);
  packet = sio_packet_new (SIO_PACKET_EVENT, "/", -1, data);
  json_array_add_string_element (array, "baz");
  num = sio_packet_add_attachment (packet, b1234);
  g_assert_cmpuint (num, ==, 0);
  json_array_add_element (array, sio_packet_new_placeholder (num));

  encoded = sio_packet_encode (packet, &attachments);
  g_assert_cmpstr (encoded, ==, "51-[\"baz\"," PH(0) "]");
  g_assert_cmpuint (attachments->len, ==, 1);
  assert_bytes (attachments->pdata[0], "\1\2\3\4", 4);

  g_clear_pointer (&encoded, g_free);
  g_clear_pointer (&attachments, g_ptr_array_unref);
  g_clear_pointer (&packet, sio_packet_unref);
  g_clear_pointer (&data, json_node_unref);
  g_clear_pointer (&array, json_array_unref);

  /* Readme: "with multiple attachments" */
  array = json_array_new ();
  data = json_node_init_array (json_node_alloc (), array);
  packet = sio_packet_new (SIO_PACKET_BINARY_EVENT, "/admin", -1, data);
  json_array_add_string_element (array, "baz");
  num = sio_packet_add_attachment (packet, b12);
  json_array_add_element (array, sio_packet_new_placeholder (num));
  num = sio_packet_add_attachment (packet, b34);
  json_array_add_element (array, sio_packet_new_placeholder (num));

  encoded = sio_packet_encode (packet, &attachments);
  g_assert_cmpstr (encoded, ==,
                   "52-/admin,[\"baz\"," PH(0) "," PH(1) "]");
  g_assert_cmpuint (attachments->len, ==, 2);
  assert_bytes (attachments->pdata[0], "\1\2", 2);
  assert_bytes (attachments->pdata[1], "\3\4", 2);

  g_clear_pointer (&encoded, g_free);
  g_clear_pointer (&attachments, g_ptr_array_unref);
  g_clear_pointer (&packet, sio_packet_unref);
  g_clear_pointer (&data, json_node_unref);
  g_clear_pointer (&array, json_array_unref);

  /* Readme: { type: BINARY_ACK, namespace: "/", data: ["bar", <Buffer <01 02 03 04>>], id: 15 } */
  data = parse_json ("[\"bar\"," PH(0) "]");
  packet = sio_packet_new (SIO_PACKET_ACK, "/", 15, data);
  sio_packet_add_attachment (packet, b1234);
  encoded = sio_packet_encode (packet, NULL);
  g_assert_cmpstr (encoded, ==, "61-15[\"bar\"," PH(0) "]");

  g_clear_pointer (&encoded, g_free);
  g_clear_pointer (&packet, sio_packet_unref);
  g_clear_pointer (&data, json_node_unref);

  /* Readme, "Sample session": 461-/admin,1[{"_placeholder":true,"num":0}] */
  data = parse_json ("[" PH(0) "]");
  packet = sio_packet_new (SIO_PACKET_BINARY_ACK, "/admin", 1, data);
  sio_packet_add_attachment (packet, b1234);
  encoded = sio_packet_encode (packet, NULL);
  g_assert_cmpstr (encoded, ==, "61-/admin,1[" PH(0) "]");

  g_clear_pointer (&encoded, g_free);
  g_clear_pointer (&packet, sio_packet_unref);

  /* A BINARY type without attachments goes out as the plain type. */
  packet = sio_packet_new (SIO_PACKET_BINARY_EVENT, "/", -1, data);
  encoded = sio_packet_encode (packet, NULL);
  g_assert_cmpstr (encoded, ==, "2[" PH(0) "]");
}

/* Decoding: the same examples, read back. */

static void
test_decode_readme (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (encode_cases); i++)
    {
      const EncodeCase *c = &encode_cases[i];
      g_autoptr(SioPacket) packet = decode_text (SIO_PROTOCOL_V5, c->encoded);
      g_autoptr(JsonNode) data = parse_json (c->data);
      g_autofree char *expected = NULL;

      /* Encoding drops a null payload, so decoding finds none. */
      if (data != NULL && !JSON_NODE_HOLDS_NULL (data))
        expected = sio_json_to_string (data);

      assert_packet (packet, c->type, c->nsp, c->id, expected);
      g_assert_cmpuint (sio_packet_get_attachments (packet)->len, ==, 0);
      g_assert_null (sio_packet_get_query (packet));
    }
}

static void
test_decode_binary_readme (void)
{
  struct {
    const char    *text;
    SioPacketType  type;
    const char    *nsp;
    gint64         id;
    guint          n_attachments;
  } cases[] = {
    { "51-[\"baz\"," PH(0) "]", SIO_PACKET_EVENT, "/", -1, 1 },
    { "52-/admin,[\"baz\"," PH(0) "," PH(1) "]",
      SIO_PACKET_EVENT, "/admin", -1, 2 },
    { "61-15[\"bar\"," PH(0) "]", SIO_PACKET_ACK, "/", 15, 1 },
    { "61-/admin,1[" PH(0) "]", SIO_PACKET_ACK, "/admin", 1, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
      g_autoptr(GError) error = NULL;
      g_autoptr(SioPacket) packet = NULL;
      g_autofree char *reencoded = NULL;
      g_autofree char *json = NULL;
      GPtrArray *attachments;

      g_assert_true (feed_text (decoder, cases[i].text, &packet, &error));
      g_assert_no_error (error);
      g_assert_null (packet);
      g_assert_true (sio_packet_decoder_is_reconstructing (decoder));

      for (guint j = 0; j < cases[i].n_attachments; j++)
        {
          g_autoptr(GBytes) bytes = g_bytes_new (bytes_1234, j + 1);

          g_assert_null (packet);
          g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
          g_assert_no_error (error);
        }

      json = g_strdup (strchr (cases[i].text, '['));
      assert_packet (packet, cases[i].type, cases[i].nsp, cases[i].id, json);
      g_assert_false (sio_packet_decoder_is_reconstructing (decoder));

      attachments = sio_packet_get_attachments (packet);
      g_assert_cmpuint (attachments->len, ==, cases[i].n_attachments);
      for (guint j = 0; j < attachments->len; j++)
        assert_bytes (attachments->pdata[j], (const char *) bytes_1234, j + 1);

      reencoded = sio_packet_encode (packet, NULL);
      g_assert_cmpstr (reencoded, ==, cases[i].text);
    }
}

/* Readme, "Sample session": what travels after the Engine.IO "4", in order, on one decoder. */
static void
test_decode_sample_session (void)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_autoptr(GBytes) binary = g_bytes_new_static (bytes_1234, sizeof bytes_1234);
  const char *texts[] = {
    "0",
    "0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}",
    "2[\"hey\",\"Jude\"]",
    "2[\"hello\"]",
    "2[\"world\"]",
    "0/admin,",
    "0/admin,{\"sid\":\"-G5j-67EZFp-q59rADQM\"}",
    "2/admin,1[\"tellme\"]",
  };
  struct {
    SioPacketType  type;
    const char    *nsp;
    gint64         id;
    const char    *data;
  } expected[] = {
    { SIO_PACKET_CONNECT, "/", -1, NULL },
    { SIO_PACKET_CONNECT, "/", -1, "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}" },
    { SIO_PACKET_EVENT, "/", -1, "[\"hey\",\"Jude\"]" },
    { SIO_PACKET_EVENT, "/", -1, "[\"hello\"]" },
    { SIO_PACKET_EVENT, "/", -1, "[\"world\"]" },
    { SIO_PACKET_CONNECT, "/admin", -1, NULL },
    { SIO_PACKET_CONNECT, "/admin", -1, "{\"sid\":\"-G5j-67EZFp-q59rADQM\"}" },
    { SIO_PACKET_EVENT, "/admin", 1, "[\"tellme\"]" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SioPacket) ack = NULL;
  g_autoptr(SioPacket) disconnect = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(SioPacket) packet = NULL;

      g_assert_true (feed_text (decoder, texts[i], &packet, &error));
      g_assert_no_error (error);
      assert_packet (packet, expected[i].type, expected[i].nsp, expected[i].id, expected[i].data);
    }

  g_assert_true (feed_text (decoder, "61-/admin,1[" PH(0) "]", &ack, &error));
  g_assert_no_error (error);
  g_assert_null (ack);
  g_assert_true (sio_packet_decoder_feed_binary (decoder, binary, &ack, &error));
  g_assert_no_error (error);
  assert_packet (ack, SIO_PACKET_ACK, "/admin", 1, "[" PH(0) "]");
  g_assert_true (sio_packet_lookup_placeholder (ack, data_element (ack, 0)) == binary);

  g_assert_true (feed_text (decoder, "1", &disconnect, &error));
  g_assert_no_error (error);
  assert_packet (disconnect, SIO_PACKET_DISCONNECT, "/", -1, NULL);
}

/* Every type, with and without namespace and id, through encoder and decoder and back. */
static void
test_round_trip (void)
{
  struct {
    SioPacketType  type;
    const char    *data;
    guint          n_attachments;
  } kinds[] = {
    { SIO_PACKET_CONNECT, NULL, 0 },
    { SIO_PACKET_CONNECT, "{\"token\":\"123\",\"n\":1.5}", 0 },
    { SIO_PACKET_DISCONNECT, NULL, 0 },
    { SIO_PACKET_EVENT, "[\"chat message\",\"h\xc3\xa9llo\",{\"a\":[1,2,{\"b\":null}]},true]", 0 },
    { SIO_PACKET_EVENT, "[42]", 0 },
    { SIO_PACKET_EVENT, "[\"\"]", 0 },
    { SIO_PACKET_ACK, "[]", 0 },
    { SIO_PACKET_ACK, "[\"ok\",0.1,-7]", 0 },
    { SIO_PACKET_CONNECT_ERROR, "{\"message\":\"Not authorized\",\"data\":{\"retry\":false}}", 0 },
    { SIO_PACKET_CONNECT_ERROR, "\"Not authorized\"", 0 },
    { SIO_PACKET_BINARY_EVENT, "[\"file\"," PH(0) "]", 1 },
    { SIO_PACKET_BINARY_EVENT,
      "[\"files\",{\"list\":[" PH(1) "," PH(0) "]}]", 2 },
    { SIO_PACKET_BINARY_ACK, "[" PH(0) "]", 1 },
    { SIO_PACKET_BINARY_ACK, "[1," PH(0) "," PH(1) "]", 2 },
  };
  const char *namespaces[] = { "/", "/admin", "/a/b-c_d.e~f" };
  gint64 ids[] = { -1, 0, 7, 1234567, MAX_SAFE_ID };
  guint n_checked = 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint n = 0; n < G_N_ELEMENTS (namespaces); n++)
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        {
          g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
          g_autoptr(JsonNode) data = parse_json (kinds[k].data);
          g_autoptr(SioPacket) packet = sio_packet_new (kinds[k].type, namespaces[n], ids[i], data);
          g_autoptr(SioPacket) decoded = NULL;
          g_autoptr(GPtrArray) attachments = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *encoded = NULL;
          g_autofree char *reencoded = NULL;
          g_autofree char *expected_data = data != NULL ? sio_json_to_string (data) : NULL;
          SioPacketType expected_type = kinds[k].type;

          for (guint a = 0; a < kinds[k].n_attachments; a++)
            {
              g_autoptr(GBytes) bytes = g_bytes_new (bytes_1234, a + 1);

              sio_packet_add_attachment (packet, bytes);
            }

          encoded = sio_packet_encode (packet, &attachments);
          g_assert_cmpuint (attachments->len, ==, kinds[k].n_attachments);
          g_assert_cmpint (encoded[0], ==, '0' + kinds[k].type);

          g_assert_true (feed_text (decoder, encoded, &decoded, &error));
          g_assert_no_error (error);
          for (guint a = 0; a < attachments->len; a++)
            {
              g_assert_null (decoded);
              g_assert_true (sio_packet_decoder_feed_binary (decoder, attachments->pdata[a],
                                                             &decoded, &error));
              g_assert_no_error (error);
            }

          /* The decoder reports binary packets by their plain type. */
          if (expected_type == SIO_PACKET_BINARY_EVENT)
            expected_type = SIO_PACKET_EVENT;
          else if (expected_type == SIO_PACKET_BINARY_ACK)
            expected_type = SIO_PACKET_ACK;

          assert_packet (decoded, expected_type, namespaces[n], ids[i], expected_data);
          g_assert_cmpuint (sio_packet_get_attachments (decoded)->len, ==, kinds[k].n_attachments);
          for (guint a = 0; a < kinds[k].n_attachments; a++)
            assert_bytes (sio_packet_get_attachments (decoded)->pdata[a],
                          (const char *) bytes_1234, a + 1);

          reencoded = sio_packet_encode (decoded, NULL);
          g_assert_cmpstr (reencoded, ==, encoded);
          n_checked++;
        }

  g_assert_cmpuint (n_checked, ==, G_N_ELEMENTS (kinds) * 3 * 5);
}

static void
feed_binary_packet (SioPacketDecoder  *decoder,
                    guint              n,
                    SioPacket        **out)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* Placeholders in reverse order, nested in an object: only their numbers matter. */
  g_string_printf (text, "5%u-[\"many\",{\"parts\":[", n);
  for (guint i = n; i > 0; i--)
    g_string_append_printf (text, "%s{\"_placeholder\":true,\"num\":%u}", i < n ? "," : "", i - 1);
  g_string_append (text, "]}]");

  g_assert_true (sio_packet_decoder_feed_text (decoder, text->str, text->len, out, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (&i, sizeof i);

      g_assert_null (*out);
      g_assert_true (sio_packet_decoder_is_reconstructing (decoder));
      g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, out, &error));
      g_assert_no_error (error);
    }
}

static void
test_binary_attachments (void)
{
  guint counts[] = { 1, 2, 10 };

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
      g_autoptr(SioPacket) packet = NULL;
      JsonArray *parts;
      guint n = counts[c];

      feed_binary_packet (decoder, n, &packet);
      g_assert_nonnull (packet);
      g_assert_false (sio_packet_decoder_is_reconstructing (decoder));
      g_assert_cmpint (sio_packet_get_kind (packet), ==, SIO_PACKET_EVENT);
      g_assert_cmpuint (sio_packet_get_attachments (packet)->len, ==, n);

      parts = json_object_get_array_member (
        json_array_get_object_element (json_node_get_array (sio_packet_get_data (packet)), 1),
        "parts");
      for (guint i = 0; i < n; i++)
        {
          GBytes *bytes = sio_packet_lookup_placeholder (packet, json_array_get_element (parts, i));
          guint expected = n - 1 - i;

          g_assert_nonnull (bytes);
          g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           &expected, sizeof expected);
        }
    }
}

static void
test_binary_max_attachments (void)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  const char *eleven = "511-[\"x\"]";

  g_assert_cmpuint (sio_packet_decoder_get_max_attachments (decoder), ==, 10);
  g_assert_cmpint (sio_packet_decoder_get_protocol (decoder), ==, SIO_PROTOCOL_V5);

  g_assert_false (feed_text (decoder, eleven, &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_assert_null (packet);
  g_assert_false (sio_packet_decoder_is_reconstructing (decoder));
  g_clear_error (&error);

  /* socket.io-parser: new Decoder({ maxAttachments: 2 }) refuses three. */
  sio_packet_decoder_set_max_attachments (decoder, 2);
  g_assert_false (feed_text (decoder, "53-[\"hello\"]", &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_clear_error (&error);

  /* Raised, eleven are fine. */
  sio_packet_decoder_set_max_attachments (decoder, 11);
  feed_binary_packet (decoder, 11, &packet);
  g_assert_nonnull (packet);
  g_assert_cmpuint (sio_packet_get_attachments (packet)->len, ==, 11);
}

static void
test_binary_zero_attachments (void)
{
  g_autoptr(SioPacket) event = decode_text (SIO_PROTOCOL_V5, "50-[\"x\"]");
  g_autoptr(SioPacket) ack = decode_text (SIO_PROTOCOL_V5, "60-/admin,3[]");
  g_autofree char *encoded = sio_packet_encode (event, NULL);

  /* Labelled binary with nothing to follow: complete at once, as in the reference. */
  assert_packet (event, SIO_PACKET_EVENT, "/", -1, "[\"x\"]");
  g_assert_cmpuint (sio_packet_get_attachments (event)->len, ==, 0);
  assert_packet (ack, SIO_PACKET_ACK, "/admin", 3, "[]");
  g_assert_cmpstr (encoded, ==, "2[\"x\"]");
}

typedef struct
{
  int         protocol;
  const char *text;
  gssize      len;
} MalformedCase;

#define V5 SIO_PROTOCOL_V5
#define V4 SIO_PROTOCOL_V4

static const MalformedCase malformed_cases[] = {
  /* Unknown type */
  { V5, "", -1 },
  { V5, " ", -1 },
  { V5, "7", -1 },
  { V5, "9", -1 },
  { V5, "999", -1 },
  { V5, "a[\"x\"]", -1 },
  { V5, "-1", -1 },
  { V5, "\xef\xbb\xbf" "2[\"x\"]", -1 },
  /* socket.io-parser test "throw an error upon parsing error": invalid payload */
  { V5, "442[\"some\",\"data\"", -1 },
  { V5, "0/admin,\"invalid\"", -1 },
  { V5, "0[]", -1 },
  { V5, "1/admin,{}", -1 },
  { V5, "2/admin,\"invalid", -1 },
  { V5, "2/admin,{}", -1 },
  { V5, "2[{\"toString\":\"foo\"}]", -1 },
  { V5, "2[true,\"foo\"]", -1 },
  { V5, "2[null,\"bar\"]", -1 },
  { V5, "2[\"connect\"]", -1 },
  { V5, "2[\"disconnect\",\"123\"]", -1 },
  /* ... the other reserved names */
  { V5, "2[\"connect_error\"]", -1 },
  { V5, "2[\"disconnecting\"]", -1 },
  { V5, "2[\"newListener\"]", -1 },
  { V5, "2/admin,1[\"removeListener\",1]", -1 },
  { V5, "51-[\"connect\"," PH(0) "]", -1 },
  /* ... and the illegal attachment counts */
  { V5, "5", -1 },
  { V5, "51", -1 },
  { V5, "5a-", -1 },
  { V5, "51.23-", -1 },
  /* Counts the reference reads through Number() but no encoder writes */
  { V5, "5-[\"x\"]", -1 },
  { V5, "5 1-[\"x\"]", -1 },
  { V5, "50x1-[\"x\"]", -1 },
  { V5, "51e0-[\"x\"]", -1 },
  { V5, "5+1-[\"x\"]", -1 },
  { V5, "6-1-[]", -1 },
  /* Too many attachments, overflowing counts */
  { V5, "511-[\"x\"]", -1 },
  { V5, "54294967296-[\"x\"]", -1 },
  { V5, "599999999999999999999999999-[\"x\"]", -1 },
  /* Count without '-', '-' on a non-binary type */
  { V5, "51[\"x\"," PH(0) "]", -1 },
  { V5, "62/admin,[]", -1 },
  { V5, "21-[\"x\"]", -1 },
  { V5, "31-[]", -1 },
  /* Missing or wrong payloads (EVENT and ACK payloads are mandatory) */
  { V5, "2", -1 },
  { V5, "3", -1 },
  { V5, "212", -1 },
  { V5, "2/admin,", -1 },
  { V5, "3/admin,13", -1 },
  { V5, "2[]", -1 },
  { V5, "2{}", -1 },
  { V5, "2\"x\"", -1 },
  { V5, "2null", -1 },
  { V5, "2[[\"x\"]]", -1 },
  { V5, "3{}", -1 },
  { V5, "3\"x\"", -1 },
  { V5, "3null", -1 },
  { V5, "0\"x\"", -1 },
  { V5, "0null", -1 },
  { V5, "1[\"x\"]", -1 },
  { V5, "1null", -1 },
  { V5, "4[1]", -1 },
  { V5, "4true", -1 },
  { V5, "4null", -1 },
  { V5, "41.5", -1 },
  /* A namespace not starting with '/' */
  { V5, "2admin,[\"x\"]", -1 },
  { V5, "0admin,", -1 },
  { V5, "2/admin[\"x\"]", -1 },
  { V5, "0/admin,,", -1 },
  /* Ids beyond Number.MAX_SAFE_INTEGER */
  { V5, "29007199254740992[\"x\"]", -1 },
  { V5, "3/admin,99999999999999999999999999[]", -1 },
  /* Trailing garbage, and JSON that json-glib would take but JSON.parse() does not */
  { V5, "2[\"x\"]x", -1 },
  { V5, "2[\"x\"] [\"y\"]", -1 },
  { V5, "2[\"x\"]]", -1 },
  { V5, "0{}}", -1 },
  { V5, "2[\"x\",]", -1 },
  { V5, "2['x']", -1 },
  { V5, "2[\"x\",0x10]", -1 },
  { V5, "2[\"x\",01]", -1 },
  { V5, "2[\"x\",NaN]", -1 },
  { V5, "2[\"\\x\"]", -1 },
  { V5, "2/*c*/[\"x\"]", -1 },
  { V5, "2[\"a\tb\"]", -1 },
  { V5, "2 [\"x\"] x", -1 },
  /* Bytes that are not text */
  { V5, "2[\"\xff\"]", -1 },
  { V5, "2[\"x\"]\0", 7 },
  { V5, "2[\"\0\"]", 6 },
  /* Placeholders that name no attachment, or the same one twice */
  { V5, "51-[\"x\"," PH(1) "]", -1 },
  { V5, "51-[\"x\",{\"_placeholder\":true,\"num\":-1}]", -1 },
  { V5, "51-[\"x\",{\"_placeholder\":true,\"num\":0.5}]", -1 },
  { V5, "51-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]", -1 },
  { V5, "51-[\"x\",{\"_placeholder\":true,\"num\":null}]", -1 },
  { V5, "51-[\"x\",{\"_placeholder\":true}]", -1 },
  { V5, "51-[\"x\",{\"_placeholder\":true,\"num\":1e400}]", -1 },
  { V5, "52-[\"x\"," PH(0) "," PH(0) "]", -1 },
  { V5, "52-[\"x\",{\"a\":" PH(1) "},[" PH(1) "]]", -1 },
  { V5, "50-[\"x\"," PH(0) "]", -1 },
  { V5, "61-[" PH(4294967296) "]", -1 },
  /* Protocol 4 has the same framing and the same checks, except for ERROR's payload */
  { V4, "", -1 },
  { V4, "7", -1 },
  { V4, "2", -1 },
  { V4, "2[]", -1 },
  { V4, "2[\"connect\"]", -1 },
  { V4, "0[]", -1 },
  { V4, "0/admin?token=abc,\"x\"", -1 },
  { V4, "1[\"x\"]", -1 },
  { V4, "3{}", -1 },
  { V4, "511-[\"x\"]", -1 },
  { V4, "4'x'", -1 },
  { V4, "4\"x\"x", -1 },
};

static void
test_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      const MalformedCase *c = &malformed_cases[i];
      g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (c->protocol);
      g_autoptr(SioPacket) packet = NULL;
      g_autoptr(GError) error = NULL;
      gsize len = c->len >= 0 ? (gsize) c->len : strlen (c->text);
      gboolean ok;

      ok = sio_packet_decoder_feed_text (decoder, c->text, len, &packet, &error);
      if (ok)
        g_test_message ("malformed case %u (%s) was accepted", i, c->text);
      g_assert_false (ok);
      g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
      g_assert_null (packet);
      g_assert_false (sio_packet_decoder_is_reconstructing (decoder));
    }
}

/* Inputs the reference accepts that look odd but are valid. */
static void
test_decode_edge_cases (void)
{
  struct {
    const char    *text;
    SioPacketType  type;
    const char    *nsp;
    gint64         id;
    const char    *data;
  } cases[] = {
    /* The id's digits may have leading zeros: Number("007") */
    { "2007[\"x\"]", SIO_PACKET_EVENT, "/", 7, "[\"x\"]" },
    /* JSON.parse() allows whitespace around the value */
    { "2 [\"x\"] ", SIO_PACKET_EVENT, "/", -1, "[\"x\"]" },
    { "2/admin,\n[ \"x\" , 1 ]\t", SIO_PACKET_EVENT, "/admin", -1, "[\"x\",1]" },
    /* Namespaces run to the comma, or to the end */
    { "1/admin", SIO_PACKET_DISCONNECT, "/admin", -1, NULL },
    { "0/", SIO_PACKET_CONNECT, "/", -1, NULL },
    { "0/,{}", SIO_PACKET_CONNECT, "/", -1, "{}" },
    { "0/admin?token=abc,", SIO_PACKET_CONNECT, "/admin?token=abc", -1, NULL },
    { "2/\xc3\xa9t\xc3\xa9,[\"x\"]", SIO_PACKET_EVENT, "/\xc3\xa9t\xc3\xa9", -1, "[\"x\"]" },
    /* Event names may be numbers, and need not be alone */
    { "2[1,\"a\",{}]", SIO_PACKET_EVENT, "/", -1, "[1,\"a\",{}]" },
    { "2[-1.5]", SIO_PACKET_EVENT, "/", -1, "[-1.5]" },
    { "2[\"\"]", SIO_PACKET_EVENT, "/", -1, "[\"\"]" },
    { "2[\"Connect\"]", SIO_PACKET_EVENT, "/", -1, "[\"Connect\"]" },
    /* Ids on any type, up to Number.MAX_SAFE_INTEGER */
    { "29007199254740991[\"x\"]", SIO_PACKET_EVENT, "/", MAX_SAFE_ID, "[\"x\"]" },
    { "05{}", SIO_PACKET_CONNECT, "/", 5, "{}" },
    { "19", SIO_PACKET_DISCONNECT, "/", 9, NULL },
    /* CONNECT_ERROR with no payload, a string or an object */
    { "4", SIO_PACKET_CONNECT_ERROR, "/", -1, NULL },
    { "4\"Not authorized\"", SIO_PACKET_CONNECT_ERROR, "/", -1, "\"Not authorized\"" },
    { "4/admin,{\"message\":\"x\",\"data\":[1]}", SIO_PACKET_CONNECT_ERROR, "/admin", -1,
      "{\"message\":\"x\",\"data\":[1]}" },
    /* Placeholder-shaped data in a packet without attachments is plain data */
    { "2[\"x\"," PH(0) "]", SIO_PACKET_EVENT, "/", -1,
      "[\"x\"," PH(0) "]" },
    /* "_placeholder" must be true itself to make a placeholder; "num" 0.0 is attachment 0 */
    { "51-[\"x\",{\"_placeholder\":1,\"num\":7},{\"_placeholder\":true,\"num\":0.0}]",
      SIO_PACKET_EVENT, "/", -1, "[\"x\",{\"_placeholder\":1,\"num\":7}," PH(0) "]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
      g_autoptr(SioPacket) packet = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new_static ("", 0);

      g_assert_true (feed_text (decoder, cases[i].text, &packet, &error));
      g_assert_no_error (error);
      if (packet == NULL)
        {
          g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
          g_assert_no_error (error);
        }
      assert_packet (packet, cases[i].type, cases[i].nsp, cases[i].id, cases[i].data);
    }
}

static void
test_binary_without_packet (void)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_autoptr(GBytes) bytes = g_bytes_new_static (bytes_1234, sizeof bytes_1234);
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_assert_null (packet);
  g_clear_error (&error);

  /* Nor after a complete binary packet. */
  g_assert_true (feed_text (decoder, "51-[\"x\"," PH(0) "]", &packet, &error));
  g_assert_no_error (error);
  g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
  g_assert_no_error (error);
  g_assert_nonnull (packet);
  g_clear_pointer (&packet, sio_packet_unref);

  g_assert_false (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_assert_null (packet);
}

static void
test_text_while_reconstructing (void)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_autoptr(GBytes) bytes = g_bytes_new_static (bytes_1234, sizeof bytes_1234);
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = "52-[\"x\"," PH(0) "," PH(1) "]";

  g_assert_true (feed_text (decoder, binary, &packet, &error));
  g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
  g_assert_no_error (error);
  g_assert_null (packet);

  /* Reference: "got plaintext data when reconstructing a packet" */
  g_assert_false (feed_text (decoder, "2[\"y\"]", &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_assert_null (packet);
  g_clear_error (&error);

  /* The half-built packet is gone; the decoder goes on with the next packet. */
  g_assert_false (sio_packet_decoder_is_reconstructing (decoder));
  g_assert_true (feed_text (decoder, "2[\"y\"]", &packet, &error));
  g_assert_no_error (error);
  assert_packet (packet, SIO_PACKET_EVENT, "/", -1, "[\"y\"]");
}

/* socket.io-parser test "should resume decoding after calling destroy()" */
static void
test_reset (void)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (feed_text (decoder, "51-[\"hello\"]", &packet, &error));
  g_assert_no_error (error);
  g_assert_true (sio_packet_decoder_is_reconstructing (decoder));

  sio_packet_decoder_reset (decoder);
  g_assert_false (sio_packet_decoder_is_reconstructing (decoder));

  g_assert_true (feed_text (decoder, "2[\"hello\"]", &packet, &error));
  g_assert_no_error (error);
  assert_packet (packet, SIO_PACKET_EVENT, "/", -1, "[\"hello\"]");
}

/* Freeing a decoder in any state releases everything (checked under valgrind / ASan). */
static void
test_free_in_any_state (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new (bytes_1234, sizeof bytes_1234);
  SioPacketDecoder *decoder;
  SioPacket *packet = NULL;
  GError *error = NULL;
  const char *binary = "53-[\"x\"," PH(0) "," PH(1) "," PH(2) "]";
  const char *bad_json = "2[\"x\",{\"a\":[1,2,{\"b\":[}]}]";

  /* Waiting for attachments, one already in. */
  decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_assert_true (feed_text (decoder, binary, &packet, &error));
  g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
  g_assert_null (packet);
  sio_packet_decoder_free (decoder);

  /* After an error in the middle of a packet. */
  decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_assert_true (feed_text (decoder, binary, &packet, &error));
  g_assert_false (feed_text (decoder, binary, &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_clear_error (&error);
  sio_packet_decoder_free (decoder);

  /* After a parse error deep in the JSON. */
  decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_assert_false (feed_text (decoder, bad_json, &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (feed_text (decoder, "52-[\"x\"," PH(5) "]", &packet, &error));
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_clear_error (&error);
  sio_packet_decoder_free (decoder);

  /* A completed packet outlives its decoder. */
  decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  g_assert_true (feed_text (decoder, "61-[" PH(0) "]", &packet, &error));
  g_assert_true (sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error));
  g_assert_no_error (error);
  sio_packet_decoder_free (decoder);
  g_assert_true (sio_packet_get_attachments (packet)->pdata[0] == bytes);
  sio_packet_unref (packet);
}

static void
test_lookup_placeholder (void)
{
  g_autoptr(SioPacket) plain = decode_text (SIO_PROTOCOL_V5,
                                            "2[\"x\"," PH(0) "]");
  g_autoptr(JsonNode) placeholder = sio_packet_new_placeholder (1);
  g_autoptr(JsonNode) not_placeholder = parse_json ("{\"_placeholder\":\"true\",\"num\":0}");
  g_autoptr(JsonNode) string = parse_json ("\"x\"");
  g_autoptr(GBytes) a = g_bytes_new_static ("a", 1);
  g_autoptr(GBytes) b = g_bytes_new_static ("b", 1);
  g_autoptr(SioPacket) packet = sio_packet_new (SIO_PACKET_EVENT, "/", -1, NULL);
  g_autofree char *placeholder_text = sio_json_to_string (placeholder);

  g_assert_cmpstr (placeholder_text, ==, PH(1));

  /* No attachments, nothing to resolve. */
  g_assert_null (sio_packet_lookup_placeholder (plain, data_element (plain, 1)));

  g_assert_cmpuint (sio_packet_add_attachment (packet, a), ==, 0);
  g_assert_null (sio_packet_lookup_placeholder (packet, placeholder));
  g_assert_cmpuint (sio_packet_add_attachment (packet, b), ==, 1);
  g_assert_true (sio_packet_lookup_placeholder (packet, placeholder) == b);
  g_assert_null (sio_packet_lookup_placeholder (packet, not_placeholder));
  g_assert_null (sio_packet_lookup_placeholder (packet, string));
}

static void
test_protocol_v4 (void)
{
  g_autoptr(SioPacket) connect = decode_text (SIO_PROTOCOL_V4, "0/admin?token=abc&x=%20,");
  g_autoptr(SioPacket) connect_v5 = decode_text (SIO_PROTOCOL_V5, "0/admin?token=abc,");
  g_autoptr(SioPacket) root = decode_text (SIO_PROTOCOL_V4, "0/?token=abc,");
  g_autoptr(SioPacket) plain = decode_text (SIO_PROTOCOL_V4, "0");
  g_autoptr(SioPacket) error_string = decode_text (SIO_PROTOCOL_V4, "4\"Not authorized\"");
  g_autoptr(SioPacket) error_object = decode_text (SIO_PROTOCOL_V4, "4{\"message\":\"x\"}");
  g_autoptr(SioPacket) error_number = decode_text (SIO_PROTOCOL_V4, "4[1]");
  g_autoptr(SioPacket) event = decode_text (SIO_PROTOCOL_V4, "2/admin?a=b,[\"x\"]");
  g_autoptr(SioPacket) to_encode = NULL;
  g_autoptr(SioPacket) decoded = NULL;
  g_autoptr(JsonNode) sid = parse_json ("{\"sid\":\"abc\"}");
  g_autoptr(JsonNode) message = parse_json ("\"Not authorized\"");
  g_autofree char *encoded = NULL;

  /* socket.io-client 2.x appends its query to the namespace of CONNECT. */
  assert_packet (connect, SIO_PACKET_CONNECT, "/admin", -1, NULL);
  g_assert_cmpstr (sio_packet_get_query (connect), ==, "token=abc&x=%20");
  assert_packet (connect_v5, SIO_PACKET_CONNECT, "/admin?token=abc", -1, NULL);
  g_assert_null (sio_packet_get_query (connect_v5));
  assert_packet (root, SIO_PACKET_CONNECT, "/", -1, NULL);
  g_assert_cmpstr (sio_packet_get_query (root), ==, "token=abc");
  assert_packet (plain, SIO_PACKET_CONNECT, "/", -1, NULL);
  g_assert_null (sio_packet_get_query (plain));

  /* ERROR carries any JSON, mostly a plain string. */
  assert_packet (error_string, SIO_PACKET_CONNECT_ERROR, "/", -1, "\"Not authorized\"");
  assert_packet (error_object, SIO_PACKET_CONNECT_ERROR, "/", -1, "{\"message\":\"x\"}");
  assert_packet (error_number, SIO_PACKET_CONNECT_ERROR, "/", -1, "[1]");

  /* Like the reference server, every namespace loses its query in protocol 4. */
  assert_packet (event, SIO_PACKET_EVENT, "/admin", -1, "[\"x\"]");
  g_assert_cmpstr (sio_packet_get_query (event), ==, "a=b");

  /* Encoding: CONNECT gets the query and never a payload. */
  to_encode = sio_packet_new (SIO_PACKET_CONNECT, "/admin", -1, sid);
  sio_packet_set_query (to_encode, "token=abc");
  g_assert_cmpstr (sio_packet_get_query (to_encode), ==, "token=abc");
  encoded = sio_packet_encode_for_protocol (to_encode, SIO_PROTOCOL_V4, NULL);
  g_assert_cmpstr (encoded, ==, "0/admin?token=abc,");
  g_clear_pointer (&encoded, g_free);
  encoded = sio_packet_encode_for_protocol (to_encode, SIO_PROTOCOL_V5, NULL);
  g_assert_cmpstr (encoded, ==, "0/admin,{\"sid\":\"abc\"}");
  g_clear_pointer (&encoded, g_free);

  sio_packet_set_query (to_encode, NULL);
  encoded = sio_packet_encode_for_protocol (to_encode, SIO_PROTOCOL_V4, NULL);
  g_assert_cmpstr (encoded, ==, "0/admin,");
  g_clear_pointer (&encoded, g_free);
  g_clear_pointer (&to_encode, sio_packet_unref);

  to_encode = sio_packet_new (SIO_PACKET_CONNECT, "/", -1, sid);
  encoded = sio_packet_encode_for_protocol (to_encode, SIO_PROTOCOL_V4, NULL);
  g_assert_cmpstr (encoded, ==, "0");
  g_clear_pointer (&encoded, g_free);
  sio_packet_set_query (to_encode, "t=1");
  encoded = sio_packet_encode_for_protocol (to_encode, SIO_PROTOCOL_V4, NULL);
  g_assert_cmpstr (encoded, ==, "0/?t=1,");
  decoded = decode_text (SIO_PROTOCOL_V4, encoded);
  assert_packet (decoded, SIO_PACKET_CONNECT, "/", -1, NULL);
  g_assert_cmpstr (sio_packet_get_query (decoded), ==, "t=1");
  g_clear_pointer (&encoded, g_free);
  g_clear_pointer (&to_encode, sio_packet_unref);

  to_encode = sio_packet_new (SIO_PACKET_CONNECT_ERROR, "/admin", -1, message);
  encoded = sio_packet_encode_for_protocol (to_encode, SIO_PROTOCOL_V4, NULL);
  g_assert_cmpstr (encoded, ==, "4/admin,\"Not authorized\"");
}

static void
test_boxed (void)
{
  g_autoptr(SioPacket) packet = sio_packet_new (SIO_PACKET_DISCONNECT, "/x", -1, NULL);
  SioPacket *copy;

  g_assert_true (G_TYPE_IS_BOXED (SIO_TYPE_PACKET));
  g_assert_cmpstr (g_type_name (SIO_TYPE_PACKET), ==, "SioPacket");

  copy = g_boxed_copy (SIO_TYPE_PACKET, packet);
  g_assert_true (copy == packet);
  g_boxed_free (SIO_TYPE_PACKET, copy);

  g_assert_true (sio_packet_ref (packet) == packet);
  sio_packet_unref (packet);
  g_assert_cmpstr (sio_packet_get_namespace (packet), ==, "/x");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sio/packet/encode", test_encode);
  g_test_add_func ("/sio/packet/encode-default-namespace", test_encode_default_namespace);
  g_test_add_func ("/sio/packet/encode-binary", test_encode_binary);
  g_test_add_func ("/sio/packet/decode-readme", test_decode_readme);
  g_test_add_func ("/sio/packet/decode-binary-readme", test_decode_binary_readme);
  g_test_add_func ("/sio/packet/decode-sample-session", test_decode_sample_session);
  g_test_add_func ("/sio/packet/decode-edge-cases", test_decode_edge_cases);
  g_test_add_func ("/sio/packet/round-trip", test_round_trip);
  g_test_add_func ("/sio/packet/binary-attachments", test_binary_attachments);
  g_test_add_func ("/sio/packet/binary-max-attachments", test_binary_max_attachments);
  g_test_add_func ("/sio/packet/binary-zero-attachments", test_binary_zero_attachments);
  g_test_add_func ("/sio/packet/binary-without-packet", test_binary_without_packet);
  g_test_add_func ("/sio/packet/text-while-reconstructing", test_text_while_reconstructing);
  g_test_add_func ("/sio/packet/malformed", test_malformed);
  g_test_add_func ("/sio/packet/reset", test_reset);
  g_test_add_func ("/sio/packet/free-in-any-state", test_free_in_any_state);
  g_test_add_func ("/sio/packet/lookup-placeholder", test_lookup_placeholder);
  g_test_add_func ("/sio/packet/protocol-v4", test_protocol_v4);
  g_test_add_func ("/sio/packet/boxed", test_boxed);

  return g_test_run ();
}

/* test-json-writer.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-json.h"

#include <math.h>
#include <string.h>

/* Every expected string below is what Node.js prints for JSON.stringify() of the same value
 * (node -e 'console.log(JSON.stringify(x))'), pasted as a literal. */

typedef struct
{
  double      value;
  const char *expected;
} NumberCase;

static const NumberCase number_cases[] = {
  { 1, "1" },
  { -1, "-1" },
  { 0, "0" },
  { -0.0, "0" },
  { 0.1, "0.1" },
  { 0.2 + 0.1, "0.30000000000000004" },
  { 1e21, "1e+21" },
  { 1e20, "100000000000000000000" },
  { 123e-20, "1.23e-18" },
  { 1e-7, "1e-7" },
  { 1.5e-7, "1.5e-7" },
  { 0.000001, "0.000001" },
  { 0.0000015, "0.0000015" },
  { 5e-324, "5e-324" },
  { -5e-324, "-5e-324" },
  { 1.7976931348623157e308, "1.7976931348623157e+308" },
  { -1.7976931348623157e308, "-1.7976931348623157e+308" },
  { 2.2250738585072014e-308, "2.2250738585072014e-308" },
  { 9007199254740992.0, "9007199254740992" },
  { 9007199254740994.0, "9007199254740994" },
  { -9007199254740992.0, "-9007199254740992" },
  { 18446744073709551616.0, "18446744073709552000" },
  { 1152921504606846976.0, "1152921504606847000" },
  { 4.35, "4.35" },
  { 1.0 / 3.0, "0.3333333333333333" },
  { 2.0 / 3.0, "0.6666666666666666" },
  { 100, "100" },
  { 1e6, "1000000" },
  { 123.456, "123.456" },
  { -123.456, "-123.456" },
  { 0.5, "0.5" },
  { 1.5, "1.5" },
  { 1e-6, "0.000001" },
  { 1.2345e-6, "0.0000012345" },
  { 1e100, "1e+100" },
  { -1e100, "-1e+100" },
  { 1e-100, "1e-100" },
  { 123456789012345680000.0, "123456789012345680000" },
  { 1.2345678901234568e21, "1.2345678901234568e+21" },
  { 999999999999999900000.0, "999999999999999900000" },
  { 0.1 * 3, "0.30000000000000004" },
  { 1.1 * 1.1, "1.2100000000000002" },
  { 3.14159, "3.14159" },
  { 2.718281828459045, "2.718281828459045" },
  { 3.141592653589793, "3.141592653589793" },
  { 1e15 + 0.3, "1000000000000000.2" },
  { 4503599627370495.5, "4503599627370495.5" },
  { 0.1 + 0.7, "0.7999999999999999" },
  { 5e-7, "5e-7" },
  { -1e-7, "-1e-7" },
  { 9.5367431640625e-7, "9.5367431640625e-7" },
  { 0.0009765625, "0.0009765625" },
  { 1e-5, "0.00001" },
  { 12345.6789e-10, "0.00000123456789" },
  { 0x1p-705, "5.940911144672375e-213" },
  { -0x1p-705, "-5.940911144672375e-213" },
  { 0x1p-695, "6.083493012144512e-210" },
  { 0x1p-1074, "5e-324" },
  { 0x1p-1022, "2.2250738585072014e-308" },
  { 0x1p+1023, "8.98846567431158e+307" },
  { INFINITY, "null" },
  { -INFINITY, "null" },
  { NAN, "null" },
};

static void
test_number (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      g_autoptr(GString) out = g_string_new ("x");

      sio_json_append_number (out, number_cases[i].value);
      g_assert_cmpstr (out->str + 1, ==, number_cases[i].expected);
    }
}

/* Beyond the table: whatever the bits, the text reads back as the same double and has no more
 * than the 17 significant digits that always suffice. */
static void
test_number_reads_back (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < 20000; i++)
    {
      guint64 bits = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
      double value;
      double back;

      memcpy (&value, &bits, sizeof value);
      if (!isfinite (value))
        continue;

      g_string_truncate (out, 0);
      sio_json_append_number (out, value);
      back = g_ascii_strtod (out->str, NULL);
      g_assert_true (back == value);
      g_assert_cmpuint (strspn (out->str, "-"), <=, 1);
    }
}

static void
test_number_node (void)
{
  struct {
    gint64      value;
    const char *expected;
  } ints[] = {
    { 0, "0" },
    { -1, "-1" },
    { 9007199254740992, "9007199254740992" },
    { -9007199254740992, "-9007199254740992" },
    /* A JavaScript number can't hold these; JSON.stringify(Number(x)) gives: */
    { 9007199254740993, "9007199254740992" },
    { G_MAXINT64, "9223372036854776000" },
    { G_MININT64, "-9223372036854776000" },
  };
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      g_autofree char *text = NULL;

      json_node_set_int (node, ints[i].value);
      text = sio_json_to_string (node);
      g_assert_cmpstr (text, ==, ints[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      g_autofree char *text = NULL;

      json_node_set_double (node, number_cases[i].value);
      text = sio_json_to_string (node);
      g_assert_cmpstr (text, ==, number_cases[i].expected);
    }
}

typedef struct
{
  const char *utf8;
  gssize      len;
  const char *expected;
} StringCase;

static const StringCase string_cases[] = {
  { "", -1, "\"\"" },
  { "hello", -1, "\"hello\"" },
  { "a\"b", -1, "\"a\\\"b\"" },
  { "back\\slash", -1, "\"back\\\\slash\"" },
  { "\x08\x0c\n\r\t", -1, "\"\\b\\f\\n\\r\\t\"" },
  { "\x01\x1f", -1, "\"\\u0001\\u001f\"" },
  { "\x7f", -1, "\"\x7f\"" },
  { "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e", -1, "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"" },
  { "\xe2\x80\xa8\xe2\x80\xa9", -1, "\"\xe2\x80\xa8\xe2\x80\xa9\"" },
  { "</script>", -1, "\"</script>\"" },
  { "\x00", 1, "\"\\u0000\"" },
  { "mixed \"quote\" and \ttab\x0b\x1b end", -1,
    "\"mixed \\\"quote\\\" and \\ttab\\u000b\\u001b end\"" },
};

static void
test_string (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;

      sio_json_append_string (out, string_cases[i].utf8, string_cases[i].len);
      g_assert_cmpstr (out->str, ==, string_cases[i].expected);

      if (string_cases[i].len >= 0)
        continue;

      node = json_node_init_string (json_node_alloc (), string_cases[i].utf8);
      text = sio_json_to_string (node);
      g_assert_cmpstr (text, ==, string_cases[i].expected);
    }
}

static void
test_string_length (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  sio_json_append_string (out, "a\0b\"c", 5);
  g_assert_cmpstr (out->str, ==, "\"a\\u0000b\\\"c\"");
  g_assert_cmpuint (out->len, ==, 13);

  g_string_truncate (out, 0);
  sio_json_append_string (out, "abcdef", 3);
  g_assert_cmpstr (out->str, ==, "\"abc\"");

  g_string_truncate (out, 0);
  sio_json_append_string (out, NULL, 0);
  g_assert_cmpstr (out->str, ==, "\"\"");
}

static void
test_string_invalid_utf8 (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* A stray continuation byte, a truncated sequence, an overlong "/" and an encoded surrogate:
   * each bad byte becomes U+FFFD so the output stays valid UTF-8. */
  sio_json_append_string (out, "a\x80z", -1);
  g_assert_cmpstr (out->str, ==, "\"a\xef\xbf\xbdz\"");

  g_string_truncate (out, 0);
  sio_json_append_string (out, "\xe2\x82", -1);
  g_assert_cmpstr (out->str, ==, "\"\xef\xbf\xbd\xef\xbf\xbd\"");

  g_string_truncate (out, 0);
  sio_json_append_string (out, "\xc0\xaf", -1);
  g_assert_true (g_utf8_validate (out->str, -1, NULL));
  g_assert_null (strchr (out->str, '/'));

  g_string_truncate (out, 0);
  sio_json_append_string (out, "\xed\xa0\x80", -1);
  g_assert_true (g_utf8_validate (out->str, -1, NULL));
}

static void
test_literals (void)
{
  g_autoptr(JsonNode) null_node = json_node_init_null (json_node_alloc ());
  g_autoptr(JsonNode) yes = json_node_init_boolean (json_node_alloc (), TRUE);
  g_autoptr(JsonNode) no = json_node_init_boolean (json_node_alloc (), FALSE);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *text = NULL;

  text = sio_json_to_string (NULL);
  g_assert_cmpstr (text, ==, "null");

  sio_json_append (out, null_node);
  sio_json_append (out, yes);
  sio_json_append (out, no);
  sio_json_append (out, NULL);
  g_assert_cmpstr (out->str, ==, "nulltruefalsenull");
}

static void
test_nested (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, "chat message");
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, 1);
  json_builder_add_double_value (builder, 1.0);
  json_builder_add_double_value (builder, 0.1);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_null_value (builder);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deep");
  json_builder_begin_array (builder);
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "x\ny");
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "when");
  json_builder_add_double_value (builder, 1.7e-7);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = sio_json_to_string (root);
  g_assert_cmpstr (text, ==,
                   "{\"event\":\"chat message\",\"args\":[1,1,0.1,true,null,[],{},"
                   "{\"deep\":[[\"x\\ny\"]]}],\"when\":1.7e-7}");
}

static void
test_object_order (void)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *shuffled_text = NULL;
  g_autoptr(GString) expected = g_string_new ("{");

  /* Insertion order, not hash order: enough members to make a hash table reorder them. */
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *name = g_strdup_printf ("key-%u", (i * 37) % 64);

      json_object_set_int_member (object, name, i);
      g_string_append_printf (expected, "%s\"%s\":%u", i > 0 ? "," : "", name, i);
    }
  g_string_append_c (expected, '}');

  /* Replacing a value keeps the member where it was, as assigning to it in JS does. */
  json_object_set_int_member (object, "key-0", 0);

  node = json_node_init_object (json_node_alloc (), object);
  text = sio_json_to_string (node);
  g_assert_cmpstr (text, ==, expected->str);

  /* Array-index names come first, ascending, as in every JavaScript engine. */
  json_object_unref (g_steal_pointer (&object));
  object = json_object_new ();
  json_object_set_int_member (object, "b", 1);
  json_object_set_int_member (object, "10", 2);
  json_object_set_int_member (object, "a", 3);
  json_object_set_int_member (object, "2", 4);
  json_object_set_int_member (object, "02", 5);
  json_object_set_int_member (object, "0", 6);
  json_object_set_int_member (object, "4294967295", 7);
  json_object_set_int_member (object, "4294967294", 8);
  json_object_set_int_member (object, "-1", 9);
  json_node_set_object (node, object);
  shuffled_text = sio_json_to_string (node);
  /* node -e 'console.log(JSON.stringify({b:1,10:2,a:3,2:4,"02":5,0:6,4294967295:7,
   *   4294967294:8,"-1":9}))' */
  g_assert_cmpstr (shuffled_text, ==,
                   "{\"0\":6,\"2\":4,\"10\":2,\"4294967294\":8,\"b\":1,\"a\":3,\"02\":5,"
                   "\"4294967295\":7,\"-1\":9}");
}

typedef struct
{
  const char *input;
  const char *expected;
  gboolean    json_glib_agrees;
} RoundTripCase;

/* Expected: JSON.stringify(JSON.parse(input)) in Node.js. The last column says whether
 * json-glib 1.6's own parser reads the input the same way (it wraps 64-bit integer overflow). */
static const RoundTripCase round_trip_cases[] = {
  { "{\"b\":1,\"a\":[1,2.5,-0,1e21,1e-7,\"x\\u0001\\n\"],\"0\":null,\"10\":true,\"2\":false}",
    "{\"0\":null,\"2\":false,\"10\":true,\"b\":1,\"a\":[1,2.5,0,1e+21,1e-7,\"x\\u0001\\n\"]}",
    TRUE },
  { "  [ 1 , 2 ]  ",
    "[1,2]", TRUE },
  { "\"\\ud83d\\ude00\"",
    "\"\xf0\x9f\x98\x80\"", TRUE },
  { "[1e400,-1e400,1e-400]",
    "[null,null,0]", FALSE },
  { "{\"a\":{\"b\":{\"c\":[[],{}]}}}",
    "{\"a\":{\"b\":{\"c\":[[],{}]}}}", TRUE },
  { "[0.1,0.2,0.30000000000000004,123.456,1.0,100,1E2,1e+2,-5e-324]",
    "[0.1,0.2,0.30000000000000004,123.456,1,100,100,100,-5e-324]", TRUE },
  { "{\"a\":1,\"a\":2,\"b\":3,\"a\":4}",
    "{\"a\":4,\"b\":3}", TRUE },
  { "[9007199254740993,9223372036854775807,99999999999999999999,-9223372036854775809,"
      "12345678901234567890123]",
    "[9007199254740992,9223372036854776000,100000000000000000000,-9223372036854776000,"
      "1.2345678901234568e+22]", FALSE },
  { "[\"\\u2028\\u2029\\u007f\\u0080\",\"\\/\",\"\\\"\\\\\\b\\f\\n\\r\\t\",\"\\u001F\"]",
    "[\"\xe2\x80\xa8\xe2\x80\xa9\x7f\xc2\x80\",\"/\",\"\\\"\\\\\\b\\f\\n\\r\\t\",\"\\u001f\"]",
    TRUE },
  { "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"",
    "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"", TRUE },
  { "null",
    "null", TRUE },
  { "true",
    "true", TRUE },
  { "false",
    "false", TRUE },
  { "-0",
    "0", TRUE },
  { "{\"__proto__\":1,\"constructor\":2}",
    "{\"__proto__\":1,\"constructor\":2}", TRUE },
  { "{\"1.5\":1,\"-1\":2,\"01\":3,\"4294967295\":4,\"4294967294\":5,\"a\":6,\"0\":7}",
    "{\"0\":7,\"4294967294\":5,\"1.5\":1,\"-1\":2,\"01\":3,\"4294967295\":4,\"a\":6}", TRUE },
  { "[1e308,1.7976931348623157e308,2.5e-8,0.000001,0.0000001,123e-20,1e20,1e21,4.35,0.5e-6]",
    "[1e+308,1.7976931348623157e+308,2.5e-8,0.000001,1e-7,1.23e-18,100000000000000000000,1e+21,"
      "4.35,5e-7]", TRUE },
  { "{\"\":\"\",\"_placeholder\":true,\"num\":0}",
    "{\"\":\"\",\"_placeholder\":true,\"num\":0}", TRUE },
  { "\t\r\n{ \"sid\" : \"lv_VI97HAXpY6yYWAAAC\" , \"upgrades\" : [ \"websocket\" ] ,"
      " \"pingInterval\" : 25000 }\n",
    "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000}",
    TRUE },
  { "[\"\\uD834\\uDD1E\",\"\\u00E9\",-1.5E-7,1.5e+300]",
    "[\"\xf0\x9d\x84\x9e\",\"\xc3\xa9\",-1.5e-7,1.5e+300]", TRUE },
  { "[\"hey\",\"Jude\",{\"n\":-12.5,\"list\":[1,[2,[3,[4]]]],\"empty\":\"\",\"t\":true,\"f\":false,"
      "\"z\":null}]",
    "[\"hey\",\"Jude\",{\"n\":-12.5,\"list\":[1,[2,[3,[4]]]],\"empty\":\"\",\"t\":true,\"f\":false,"
      "\"z\":null}]", TRUE },
  { "[0.1e1,10e-1,1.5e0,-0.0,0e5,123456789012345]",
    "[1,1,1.5,0,0,123456789012345]", TRUE },
};

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (round_trip_cases); i++)
    {
      const RoundTripCase *c = &round_trip_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) again = NULL;
      g_autofree char *text = NULL;
      g_autofree char *text_again = NULL;

      node = sio_json_from_string (c->input, -1, &error);
      g_assert_no_error (error);
      text = sio_json_to_string (node);
      g_assert_cmpstr (text, ==, c->expected);

      /* Our output parses back to the same output. */
      again = sio_json_from_string (text, -1, &error);
      g_assert_no_error (error);
      text_again = sio_json_to_string (again);
      g_assert_cmpstr (text_again, ==, c->expected);

      if (c->json_glib_agrees)
        {
          g_autoptr(JsonNode) glib_node = json_from_string (c->input, &error);
          g_autofree char *glib_text = NULL;

          g_assert_no_error (error);
          glib_text = sio_json_to_string (glib_node);
          g_assert_cmpstr (glib_text, ==, c->expected);
        }
    }
}

/* All rejected by JSON.parse(); json-glib 1.6 accepts several of them. */
static const char * const invalid_documents[] = {
  "", " ", "\t\n", "[1,]", "{\"a\":1,}", "['a']", "[0x10]", "[01]", "[-01]", "[00]", "[1.]",
  "[.5]", "[+1]", "[-]", "[1e]", "[1.5e-]", "[1e+]", "[NaN]", "[Infinity]", "[-Infinity]",
  "[undefined]", "/*c*/[1]", "[1]//x", "[1]x", "[1]]", "{\"a\":1}}", "[1 2]", "{\"a\" 1}",
  "{a:1}", "{\"a\":}", "{,}", "[,1]", "[1,,2]", "[tru]", "truex", "nul", "nulll", "\"abc",
  "\"\\x\"", "\"\\U0041\"", "\"\\u004\"", "\"\\u00zz\"", "\"\\'\"", "\"a\tb\"", "\"a\nb\"",
  "\"\x01\"", "\xef\xbb\xbf[1]", "\xc2\xa0[1]", "[1]\xc2\xa0", "\"\xff\"", "\"\xc3\"", "[", "]",
  "{", "}", "\"", "1 2", ",", ":", "[1]\f", "\v1",
};

static void
test_parse_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      node = sio_json_from_string (invalid_documents[i], -1, &error);
      if (node != NULL)
        g_test_message ("invalid document %u was accepted", i);
      g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
      g_assert_null (node);
    }
}

static void
test_parse_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) nul = NULL;
  g_autofree char *text = NULL;

  /* Only @len bytes count: the rest may be anything. */
  node = sio_json_from_string ("[1,2]garbage", 5, &error);
  g_assert_no_error (error);
  text = sio_json_to_string (node);
  g_assert_cmpstr (text, ==, "[1,2]");

  /* A NUL byte inside the length is not JSON. */
  nul = sio_json_from_string ("[1]\0", 4, &error);
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_assert_null (nul);
}

static void
test_parse_numbers (void)
{
  struct {
    const char *text;
    GType       type;
    double      value;
  } cases[] = {
    { "0", G_TYPE_INT64, 0 },
    { "-0", G_TYPE_INT64, 0 },
    { "42", G_TYPE_INT64, 42 },
    { "-123456789012345", G_TYPE_INT64, -123456789012345.0 },
    { "9007199254740992", G_TYPE_INT64, 9007199254740992.0 },
    /* Read through a double, like JSON.parse: 2^53 + 1 is 2^53. */
    { "9007199254740993", G_TYPE_INT64, 9007199254740992.0 },
    { "9007199254740994", G_TYPE_DOUBLE, 9007199254740994.0 },
    { "99999999999999999999", G_TYPE_DOUBLE, 1e20 },
    { "1.0", G_TYPE_DOUBLE, 1.0 },
    { "1e2", G_TYPE_DOUBLE, 100.0 },
    { "0.1", G_TYPE_DOUBLE, 0.1 },
    { "-2.5E-3", G_TYPE_DOUBLE, -0.0025 },
    { "1e400", G_TYPE_DOUBLE, INFINITY },
    { "1e-400", G_TYPE_DOUBLE, 0.0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = sio_json_from_string (cases[i].text, -1, &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      g_assert_true (json_node_get_value_type (node) == cases[i].type);
      if (cases[i].type == G_TYPE_INT64)
        g_assert_cmpint (json_node_get_int (node), ==, (gint64) cases[i].value);
      else
        g_assert_true (json_node_get_double (node) == cases[i].value);
    }
}

static void
test_parse_strings (void)
{
  struct {
    const char *text;
    const char *expected;
  } cases[] = {
    { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
    { "\"\\u00e9\\u00E9\"", "\xc3\xa9\xc3\xa9" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
    { "\"\xe2\x80\xa8\"", "\xe2\x80\xa8" },
    /* JSON.parse() gives strings valid UTF-8 in a C string can't hold: NUL reads as modified
     * UTF-8 (C0 80), lone surrogates as their WTF-8 bytes. */
    { "\"a\\u0000b\"", "a\xc0\x80" "b" },
    { "\"\\ud800\"", "\xed\xa0\x80" },
    { "\"\\udc00\\ud800x\"", "\xed\xb0\x80\xed\xa0\x80x" },
    { "\"\\ud800\\u0041\"", "\xed\xa0\x80" "A" },
    { "\"\\ud800\\\\\"", "\xed\xa0\x80\\" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = sio_json_from_string (cases[i].text, -1, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (node), ==, cases[i].expected);
    }
}

/* What the reader keeps of \u0000 and lone surrogates, the writer gives back unchanged. */
static void
test_round_trip_unrepresentable (void)
{
  static const char * const cases[] = {
    "[\"a\\u0000b\"]",
    "[\"\\ud800\"]",
    "[\"x\\udfffy\\ud83d\"]",
    "{\"k\\u0000\":\"\\udc00\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = sio_json_from_string (cases[i], -1, &error);
      g_autofree char *written = NULL;

      g_assert_no_error (error);
      written = sio_json_to_string (node);
      g_assert_cmpstr (written, ==, cases[i]);
    }
}

static void
test_parse_depth (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) too_deep = NULL;
  g_autofree char *back = NULL;

  for (guint i = 0; i < SIO_JSON_MAX_DEPTH; i++)
    g_string_append (text, i % 2 ? "{\"a\":" : "[");
  g_string_append_c (text, '1');
  for (guint i = SIO_JSON_MAX_DEPTH; i > 0; i--)
    g_string_append (text, (i - 1) % 2 ? "}" : "]");

  node = sio_json_from_string (text->str, text->len, &error);
  g_assert_no_error (error);
  back = sio_json_to_string (node);
  g_assert_cmpstr (back, ==, text->str);

  g_string_prepend_c (text, '[');
  g_string_append_c (text, ']');
  too_deep = sio_json_from_string (text->str, text->len, &error);
  g_assert_error (error, SIO_ERROR, SIO_ERROR_PARSE);
  g_assert_null (too_deep);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sio/json/number", test_number);
  g_test_add_func ("/sio/json/number-reads-back", test_number_reads_back);
  g_test_add_func ("/sio/json/number-node", test_number_node);
  g_test_add_func ("/sio/json/string", test_string);
  g_test_add_func ("/sio/json/string-length", test_string_length);
  g_test_add_func ("/sio/json/string-invalid-utf8", test_string_invalid_utf8);
  g_test_add_func ("/sio/json/literals", test_literals);
  g_test_add_func ("/sio/json/nested", test_nested);
  g_test_add_func ("/sio/json/object-order", test_object_order);
  g_test_add_func ("/sio/json/round-trip", test_round_trip);
  g_test_add_func ("/sio/json/parse-invalid", test_parse_invalid);
  g_test_add_func ("/sio/json/parse-length", test_parse_length);
  g_test_add_func ("/sio/json/parse-numbers", test_parse_numbers);
  g_test_add_func ("/sio/json/parse-strings", test_parse_strings);
  g_test_add_func ("/sio/json/round-trip-unrepresentable", test_round_trip_unrepresentable);
  g_test_add_func ("/sio/json/parse-depth", test_parse_depth);

  return g_test_run ();
}

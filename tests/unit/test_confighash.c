/* Unit tests for parsers/confighash: Python json.dumps compatibility and
 * config_hash against values computed with python3 when the test was written. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/confighash.h"
#include "parsers/tree.h"
#include "tests/unit/tap.h"
#include "util/err.h"

struct hash_case {
	const char *name, *type, *command, *args_json, *url;
	const char *text;	/* json.dumps(..., sort_keys=True) */
	const char *hash;	/* sha256 of text */
};

struct float_case {
	const char *hex;	/* float.hex() */
	const char *repr;	/* repr() */
};

/*
 * Generated with python3 3.11 (json, hashlib): for each row,
 *   obj = {"args": json.loads(args_json) or [], "command": command,
 *          "name": name, "type": type, "url": url}
 *   text = json.dumps(obj, sort_keys=True); hash = sha256(text).
 */
static const struct hash_case hash_cases[] = {
	{ "github", "stdio", "npx", "[\"-y\", \"@mcp/server-github\"]", NULL,
	  "{\"args\": [\"-y\", \"@mcp/server-github\"], \"command\": \"npx\", \"name\": \"github\", \"type\": \"stdio\", \"url\": null}",
	  "a3d5d68f223b188b92852be451cb7ab8a3f4f439e797f9f1ac725823f65085a3" },
	{ "empty-args", "stdio", "node", "[]", NULL,
	  "{\"args\": [], \"command\": \"node\", \"name\": \"empty-args\", \"type\": \"stdio\", \"url\": null}",
	  "7680dacb3e38810ddba6f377e591aa0fa04bb0556b8f1c1a41af86db33614c6b" },
	{ "no-args", "stdio", "node", NULL, NULL,
	  "{\"args\": [], \"command\": \"node\", \"name\": \"no-args\", \"type\": \"stdio\", \"url\": null}",
	  "90d7c90114a28095abcd9461492c85a2a67f33bed5a54093ace55cf2268553f5" },
	{ "null-args", "stdio", "node", "null", NULL,
	  "{\"args\": [], \"command\": \"node\", \"name\": \"null-args\", \"type\": \"stdio\", \"url\": null}",
	  "a5907149e3755e9e87b0b178463fae93c7d7c0aba08464fcef9693b23a4811b5" },
	{ "remote", "sse", NULL, NULL, "https://example.com/sse",
	  "{\"args\": [], \"command\": null, \"name\": \"remote\", \"type\": \"sse\", \"url\": \"https://example.com/sse\"}",
	  "9cd09c164bc73ab1f82b23cb15dce1429e1586a6cf80c092cb73232c63c02022" },
	{ "http", "streamable-http", NULL, NULL, "https://api.example.com/mcp?x=1&y=2",
	  "{\"args\": [], \"command\": null, \"name\": \"http\", \"type\": \"streamable-http\", \"url\": \"https://api.example.com/mcp?x=1&y=2\"}",
	  "7436bf614fdd5967465891574ff0e650fb9afe4359e6daf15cb1f00c5140d504" },
	{ "caf\xc3\xa9", "stdio", "python3", "[\"-m\", \"caf\xc3\xa9_server\"]", NULL,
	  "{\"args\": [\"-m\", \"caf\\u00e9_server\"], \"command\": \"python3\", \"name\": \"caf\\u00e9\", \"type\": \"stdio\", \"url\": null}",
	  "6b8a22ddd3dd9a67306de96848fe7d429311535ac6c794237f11fee7554c85bf" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "stdio", "uvx", "[\"\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90\xe3\x83\xbc\"]", NULL,
	  "{\"args\": [\"\\u30b5\\u30fc\\u30d0\\u30fc\"], \"command\": \"uvx\", \"name\": \"\\u65e5\\u672c\\u8a9e\", \"type\": \"stdio\", \"url\": null}",
	  "c884aec9667671078a6586195646959bc94a524aeafc006640a96caafd805949" },
	{ "emoji \xf0\x9f\x98\x80", "stdio", "npx", "[\"\xf0\x9f\x9a\x80\", \"\xe2\x98\x83\"]", NULL,
	  "{\"args\": [\"\\ud83d\\ude80\", \"\\u2603\"], \"command\": \"npx\", \"name\": \"emoji \\ud83d\\ude00\", \"type\": \"stdio\", \"url\": null}",
	  "07fe9dcb049892d4eecd8cb9f669d15118afa0a1e4dd72d5ed3cfe270db4f806" },
	{ "quote\"d", "stdio", "C:\\Program Files\\node.exe", "[\"a\\\"b\", \"c\\\\d\"]", NULL,
	  "{\"args\": [\"a\\\"b\", \"c\\\\d\"], \"command\": \"C:\\\\Program Files\\\\node.exe\", \"name\": \"quote\\\"d\", \"type\": \"stdio\", \"url\": null}",
	  "b9df3e4b2d7f2878a286ff30bf729598e278a3fdf493283769eb808d36d035e3" },
	{ "ctrl", "stdio", "sh", "[\"line1\\nline2\", \"tab\\there\", \"\\u0001\\u001f\\u007f\", \"\\b\\f\\r\"]", NULL,
	  "{\"args\": [\"line1\\nline2\", \"tab\\there\", \"\\u0001\\u001f\\u007f\", \"\\b\\f\\r\"], \"command\": \"sh\", \"name\": \"ctrl\", \"type\": \"stdio\", \"url\": null}",
	  "f88020ed72a45331030ed2fba269155f52446b05e417134b015ad17952f68a30" },
	{ "slash", "http", NULL, "[\"/usr/bin/x\", \"a/b\"]", "https://h/p/q",
	  "{\"args\": [\"/usr/bin/x\", \"a/b\"], \"command\": null, \"name\": \"slash\", \"type\": \"http\", \"url\": \"https://h/p/q\"}",
	  "13dbb799099fc904b70e696750046d61b01b06e1b6bf147d322e1bdad7feb6cf" },
	{ "ints", "stdio", "srv", "[\"--port\", 8080, -1, 0, 12345678901234567890]", NULL,
	  "{\"args\": [\"--port\", 8080, -1, 0, 12345678901234567890], \"command\": \"srv\", \"name\": \"ints\", \"type\": \"stdio\", \"url\": null}",
	  "5de5870902aaf67f76bb831a785f6f25fd492057c971f8dfef9df742301f291e" },
	{ "floats", "stdio", "srv", "[1.0, 1.5, -0.0, 0.1, 1e16, 1e15, 1.5e-5, 0.0001, 1e-7, 123456789.123, 3.141592653589793]", NULL,
	  "{\"args\": [1.0, 1.5, -0.0, 0.1, 1e+16, 1000000000000000.0, 1.5e-05, 0.0001, 1e-07, 123456789.123, 3.141592653589793], \"command\": \"srv\", \"name\": \"floats\", \"type\": \"stdio\", \"url\": null}",
	  "b89324ce95e6d28059cda6be2191a4e1f8b2287f9c9e611378a8f9fbc6c5f7cd" },
	{ "bigfloat", "stdio", "srv", "[1e308, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740993.0]", NULL,
	  "{\"args\": [1e+308, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e+308, 9007199254740992.0], \"command\": \"srv\", \"name\": \"bigfloat\", \"type\": \"stdio\", \"url\": null}",
	  "f005b131e1ae824181d02a66fac6bcc3869f7865e8db93cbda725d3916c7641e" },
	{ "bools", "stdio", "srv", "[true, false, null]", NULL,
	  "{\"args\": [true, false, null], \"command\": \"srv\", \"name\": \"bools\", \"type\": \"stdio\", \"url\": null}",
	  "ee41595cc219411b1bc89793178b6baa77d605064e376b503a276eb83997dee3" },
	{ "nested", "stdio", "srv", "[{\"b\": 1, \"a\": [2, {\"d\": null, \"c\": \"x\"}]}, []]", NULL,
	  "{\"args\": [{\"a\": [2, {\"c\": \"x\", \"d\": null}], \"b\": 1}, []], \"command\": \"srv\", \"name\": \"nested\", \"type\": \"stdio\", \"url\": null}",
	  "34616ffe755c00bebf352af71ff925aff25f4489d19d95076eb39cc3be3c6862" },
	{ "objargs", "stdio", "srv", "{\"z\": 1, \"a\": 2}", NULL,
	  "{\"args\": {\"a\": 2, \"z\": 1}, \"command\": \"srv\", \"name\": \"objargs\", \"type\": \"stdio\", \"url\": null}",
	  "ad564ff4c38ea60bb99eedf5dce074d46175ba90aeb03e799108fb1db3af791d" },
	{ "strargs", "stdio", "srv", "\"--single\"", NULL,
	  "{\"args\": \"--single\", \"command\": \"srv\", \"name\": \"strargs\", \"type\": \"stdio\", \"url\": null}",
	  "1872abff94053f44228d30962792ec43dc47f1da244ebd92c6a5aed07086a4bb" },
	{ "emptystr", "stdio", "srv", "\"\"", NULL,
	  "{\"args\": [], \"command\": \"srv\", \"name\": \"emptystr\", \"type\": \"stdio\", \"url\": null}",
	  "103aba533b05c54306416125d077e967b666c44f61679b6bb696255f8750fd0b" },
	{ "zero", "stdio", "srv", "0", NULL,
	  "{\"args\": [], \"command\": \"srv\", \"name\": \"zero\", \"type\": \"stdio\", \"url\": null}",
	  "f794eeee7944b646bde9f4628d988d27a1bd29dedef341c93383188a9d17176b" },
	{ "falseargs", "stdio", "srv", "false", NULL,
	  "{\"args\": [], \"command\": \"srv\", \"name\": \"falseargs\", \"type\": \"stdio\", \"url\": null}",
	  "2b7dceaf36008b55eddbd1faf08f1fde920c534cfe200c8d854473ae08483009" },
	{ "unicode-keys", "stdio", "srv", "[{\"\xc3\xa9\": 1, \"e\": 2, \"\xf0\x9f\x98\x80\": 3, \"Z\": 4, \"\": 5}]", NULL,
	  "{\"args\": [{\"\": 5, \"Z\": 4, \"e\": 2, \"\\u00e9\": 1, \"\\ud83d\\ude00\": 3}], \"command\": \"srv\", \"name\": \"unicode-keys\", \"type\": \"stdio\", \"url\": null}",
	  "5ef67457a97c89e75299ede0b3ce9aee9713c71694a7b903ebce74aba5c566a1" },
	{ "dupkeys", "stdio", "srv", "[{\"a\": 1, \"b\": 2, \"a\": 3}]", NULL,
	  "{\"args\": [{\"a\": 3, \"b\": 2}], \"command\": \"srv\", \"name\": \"dupkeys\", \"type\": \"stdio\", \"url\": null}",
	  "c80c0ba5afb4cd607e580d215d518040c55bed69a48835c9036b5b296f1d2019" },
	{ "astral-edge", "stdio", "srv", "[\"\xf0\x90\x80\x80\", \"\xf4\x8f\xbf\xbf\", \"\xef\xbf\xbf\", \"\xc2\x80\", \"\xdf\xbf\", \"\xe0\xa0\x80\"]", NULL,
	  "{\"args\": [\"\\ud800\\udc00\", \"\\udbff\\udfff\", \"\\uffff\", \"\\u0080\", \"\\u07ff\", \"\\u0800\"], \"command\": \"srv\", \"name\": \"astral-edge\", \"type\": \"stdio\", \"url\": null}",
	  "071a7cdc76c35e0fe4029aa5102e5b35cf4919cce85a65032d2ce02bca0e011a" },
	{ "spaces in name", "stdio", "my server", "[\"  leading\", \"trailing  \"]", NULL,
	  "{\"args\": [\"  leading\", \"trailing  \"], \"command\": \"my server\", \"name\": \"spaces in name\", \"type\": \"stdio\", \"url\": null}",
	  "2cb1cc010f59b518a7d2bfa1a74f56e93983f63aaccdc37cba3bda0c7b8496e6" },
	{ "", "stdio", "", "[\"\"]", "",
	  "{\"args\": [\"\"], \"command\": \"\", \"name\": \"\", \"type\": \"stdio\", \"url\": \"\"}",
	  "234e1223baaf81cb002f4b175f7f9ed08eedc0c42f007dcbfccb48439da571dd" },
	{ "type-odd", "ws", NULL, NULL, "wss://x/y",
	  "{\"args\": [], \"command\": null, \"name\": \"type-odd\", \"type\": \"ws\", \"url\": \"wss://x/y\"}",
	  "9e3d7dd9603036b62848e4fa7684a149026e0202b4f2f4a7f37e2ffa4a95d2d1" },
	{ "python", "python", "python", "[\"server.py\"]", NULL,
	  "{\"args\": [\"server.py\"], \"command\": \"python\", \"name\": \"python\", \"type\": \"python\", \"url\": null}",
	  "638ddbf0a3746052c1ccd7ad20b1b5e101dc949efe885448c58975232819f930" },
	{ "exp", "stdio", "s", "[1E+2, 2e-3, -5.5E10, 1.0e0, 100.0, 1e22, 1e21]", NULL,
	  "{\"args\": [100.0, 0.002, -55000000000.0, 1.0, 100.0, 1e+22, 1e+21], \"command\": \"s\", \"name\": \"exp\", \"type\": \"stdio\", \"url\": null}",
	  "9ee80fa2c371b3e0abd995e650c4f359bd3b069656d3b525dace957ddfd1f384" },
	{ "negint", "stdio", "s", "[-0, -123, 1000000000000000000000]", NULL,
	  "{\"args\": [0, -123, 1000000000000000000000], \"command\": \"s\", \"name\": \"negint\", \"type\": \"stdio\", \"url\": null}",
	  "94be8bea79a287a737803d00cfc5732e910ffe3385d2fbbfcba90875f489438a" },
	{ "deep", "stdio", "s", "[[[[[[\"x\"]]]]]]", NULL,
	  "{\"args\": [[[[[[\"x\"]]]]]], \"command\": \"s\", \"name\": \"deep\", \"type\": \"stdio\", \"url\": null}",
	  "de481340813280cc588da0072e712be88102357990848f8b4d2cbee9b8fe89f6" },
	{ "html", "stdio", "s", "[\"<script>&amp;</script>\", \"\xe2\x80\xa8\xe2\x80\xa9\"]", NULL,
	  "{\"args\": [\"<script>&amp;</script>\", \"\\u2028\\u2029\"], \"command\": \"s\", \"name\": \"html\", \"type\": \"stdio\", \"url\": null}",
	  "f8d6e059fee0bc0280226e0decd95f50cf93c7e738d7d726dc6553ab15e65594" },
	{ "windows", "stdio", "cmd", "[\"/c\", \"C:\\\\Users\\\\me\\\\srv.bat\"]", NULL,
	  "{\"args\": [\"/c\", \"C:\\\\Users\\\\me\\\\srv.bat\"], \"command\": \"cmd\", \"name\": \"windows\", \"type\": \"stdio\", \"url\": null}",
	  "c98b63ccae6ca8c4e35ccd98e3892e7edf4bcb3aaeee1f44a08c9505fb5eb24b" },
	{ "url-null-cmd", "sse", NULL, "[\"ignored\"]", "http://localhost:3000/sse",
	  "{\"args\": [\"ignored\"], \"command\": null, \"name\": \"url-null-cmd\", \"type\": \"sse\", \"url\": \"http://localhost:3000/sse\"}",
	  "23f3bd4c98b0aa13c4bc8386c848407e318e233c9265caf899d3f88b82cebb89" },
};
static const struct float_case float_cases[] = {
	{ "0x1.0000000000000p-1017", "7.120236347223045e-307" },	/* lopsided interval */
	{ "0x1.0000000000000p-1007", "7.291122019556398e-304" },	/* lopsided interval */
	{ "0x1.0000000000000p-957", "8.209073602596753e-289" },	/* lopsided interval */
	{ "0x1.0000000000000p-921", "5.641232424577593e-278" },	/* lopsided interval */
	{ "0x1.0000000000000p-808", "5.858190679279809e-244" },	/* lopsided interval */
	{ "0x0.0p+0", "0.0" },
	{ "-0x0.0p+0", "-0.0" },
	{ "0x1.0000000000000p+0", "1.0" },
	{ "-0x1.0000000000000p+0", "-1.0" },
	{ "0x1.999999999999ap-4", "0.1" },
	{ "0x1.999999999999ap-3", "0.2" },
	{ "0x1.3333333333334p-2", "0.30000000000000004" },
	{ "0x1.5555555555555p-2", "0.3333333333333333" },
	{ "0x1.5555555555555p-1", "0.6666666666666666" },
	{ "0x1.1c37937e08000p+53", "1e+16" },
	{ "0x1.c6bf526340000p+49", "1000000000000000.0" },
	{ "0x1.1c37937e07fffp+53", "9999999999999998.0" },
	{ "0x1.a36e2eb1c432dp-14", "0.0001" },
	{ "0x1.4f8b588e368f1p-17", "1e-05" },
	{ "0x1.f75104d551d69p-17", "1.5e-05" },
	{ "0x1.02e4b6ce5dc68p-13", "0.00012345" },
	{ "0x1.b69b4ba630f35p+56", "1.2345678901234568e+17" },
	{ "0x1.0f0cf064dd592p+73", "1e+22" },
	{ "0x1.52d02c7e14af6p+76", "1e+23" },
	{ "0x1.249ad2594c37dp+332", "1e+100" },
	{ "0x1.bff2ee48e0530p-333", "1e-100" },
	{ "0x0.0000000000001p-1022", "5e-324" },
	{ "0x0.0000000000002p-1022", "1e-323" },
	{ "0x1.0000000000000p-1022", "2.2250738585072014e-308" },
	{ "0x0.fffffffffffffp-1022", "2.225073858507201e-308" },
	{ "0x1.fffffffffffffp+1023", "1.7976931348623157e+308" },
	{ "0x1.0000000000000p+53", "9007199254740992.0" },
	{ "0x1.0000000000001p+53", "9007199254740994.0" },
	{ "0x1.0000000000000p+63", "9.223372036854776e+18" },
	{ "0x1.0000000000000p+64", "1.8446744073709552e+19" },
	{ "0x0.0000000000003p-1022", "1.5e-323" },
	{ "0x1.0000000000000p-1022", "2.2250738585072014e-308" },
	{ "0x1.0000000000000p+1023", "8.98846567431158e+307" },
	{ "0x1.edd2f1a9fbe77p+6", "123.456" },
	{ "-0x1.edd3c0ca600b0p+9", "-987.654321" },
	{ "0x1.921fb54442d18p+1", "3.141592653589793" },
	{ "0x1.5bf0a8b145769p+1", "2.718281828459045" },
	{ "0x1.fe185ca57c517p+78", "6.02214076e+23" },
	{ "0x1.7a4da290c1653p-63", "1.602176634e-19" },
	{ "0x1.0000000000000p-1", "0.5" },
	{ "0x1.0000000000000p-2", "0.25" },
	{ "0x1.9000000000000p+6", "100.0" },
	{ "0x1.2d68700000000p+20", "1234567.0" },
	{ "0x1.56a95319d63e1p+63", "1.2345678901234567e+19" },
	{ "0x1.1666666666666p+2", "4.35" },
	{ "0x1.1eb851eb851ecp-4", "0.07" },
	{ "-0x1.74de452e6b438p+811", "-1.989032661366619e+244" },
	{ "0x1.3270e269e0d37p+594", "7.761117632285041e+178" },
	{ "0x1.c7fd0a6a3a450p-826", "3.980498358697587e-249" },
	{ "-0x1.f0824128b2f33p+292", "-1.5432835417340557e+88" },
	{ "0x1.8e811892f902bp-638", "1.3647584518757569e-192" },
	{ "-0x1.1985d5d9dc9f8p-684", "-1.3701135617873088e-206" },
	{ "-0x1.25d940ed90475p+655", "-1.7160537630466207e+197" },
	{ "0x1.675cc81e74ef5p-144", "6.294675241195386e-44" },
	{ "0x1.0a35a099950d8p-671", "1.0613447212142254e-202" },
	{ "0x1.d549b6f03675ap+689", "4.708325160387546e+207" },
	{ "0x1.c172411e20b8fp-38", "6.387016158513563e-12" },
	{ "-0x1.16ece1738f7d9p-814", "-9.973130378568733e-246" },
	{ "0x1.1ddb66cad4a26p-781", "8.779753225680271e-236" },
	{ "-0x1.192cfd3ac94afp-755", "-5.795503248498993e-228" },
	{ "-0x1.c105d1fb17c23p+809", "-5.988180159386011e+243" },
	{ "-0x1.0b33839263059p-488", "-1.306052388527796e-147" },
	{ "-0x1.f48f1a09f76b5p-684", "-2.436117699484841e-206" },
	{ "0x1.630f1f29d0da9p-770", "2.233386999150174e-232" },
	{ "-0x1.60af593bd04cfp-673", "-3.51527970626667e-203" },
	{ "0x1.1e29c658cda14p-820", "1.5987381841032883e-247" },
	{ "0x1.8d190f9ebdaccp-118", "4.6678633181812096e-36" },
	{ "-0x1.1973e0becd7b0p-791", "-8.441872792105456e-239" },
	{ "0x1.7beaddbc496cbp-478", "1.9015657400796622e-144" },
	{ "0x1.cb2424a23d596p+693", "7.370437700706684e+208" },
	{ "-0x1.a63ec24ede6a4p-857", "-1.7163996725272777e-258" },
	{ "-0x1.766581e27a1c0p-733", "-3.2367190832119987e-221" },
	{ "-0x1.d05584ef8aa38p-777", "-2.2818334634712625e-234" },
	{ "-0x1.7ba94d0eda82fp-278", "-3.0536383926309363e-84" },
	{ "0x1.1dbe22e44158bp-601", "1.3449551894627777e-181" },
	{ "-0x1.a736994e3bf91p-732", "-7.317495976062606e-221" },
	{ "0x1.850c5a38fd547p-254", "5.249822308814304e-77" },
	{ "0x1.135d25f557203p-624", "1.5450754142984396e-188" },
	{ "-0x1.ce4228c38fb29p-155", "-3.953625698224792e-47" },
	{ "-0x1.a70c31012f037p-760", "-2.72491267476498e-229" },
	{ "-0x1.769b10f4205b4p-536", "-6.505141861548772e-162" },
	{ "0x1.5052434b9b5dfp+1010", "1.441484839555994e+304" },
	{ "-0x1.ed162ae2eb154p-894", "-1.4583679262758548e-269" },
	{ "-0x1.877186d76b07ep+112", "-7.939416668807721e+33" },
	{ "0x1.1af10506bf2efp+884", "1.4255183989699612e+266" },
	{ "-0x1.6a78795e761d1p+711", "-1.525315701232403e+214" },
	{ "0x0.0000000000001p-1022", "5e-324" },
	{ "0x0.0002000000000p-1022", "6.7903865311e-313" },
	{ "0x1.0000000000000p-1000", "9.332636185032189e-302" },
	{ "0x1.0000000000000p-963", "1.2826677504057426e-290" },
	{ "0x1.0000000000000p-926", "1.7628851326804976e-279" },
	{ "0x1.0000000000000p-889", "2.4228908772695546e-268" },
	{ "0x1.0000000000000p-852", "3.329995865487836e-257" },
	{ "0x1.0000000000000p-815", "4.5767114681873503e-246" },
	{ "0x1.0000000000000p-778", "6.290184345309701e-235" },
	{ "0x1.0000000000000p-741", "8.645163535653227e-224" },
	{ "0x1.0000000000000p-704", "1.188182228934475e-212" },
	{ "0x1.0000000000000p-667", "1.6330252207878255e-201" },
	{ "0x1.0000000000000p-630", "2.2444127733846047e-190" },
	{ "0x1.0000000000000p-593", "3.084697427331692e-179" },
	{ "0x1.0000000000000p-556", "4.239575861902385e-168" },
	{ "0x1.0000000000000p-519", "5.826828696250162e-157" },
	{ "0x1.0000000000000p-482", "8.008332380732404e-146" },
	{ "0x1.0000000000000p-445", "1.1006568214637918e-134" },
	{ "0x1.0000000000000p-408", "1.512731216738015e-123" },
	{ "0x1.0000000000000p-371", "2.07908195312898e-112" },
	{ "0x1.0000000000000p-334", "2.8574684782056875e-101" },
	{ "0x1.0000000000000p-297", "3.9272747722381812e-90" },
	{ "0x1.0000000000000p-260", "5.397605346934028e-79" },
	{ "0x1.0000000000000p-223", "7.418412301374843e-68" },
	{ "0x1.0000000000000p-186", "1.0195788231247695e-56" },
	{ "0x1.0000000000000p-149", "1.401298464324817e-45" },
	{ "0x1.0000000000000p-112", "1.925929944387236e-34" },
	{ "0x1.0000000000000p-75", "2.6469779601696886e-23" },
	{ "0x1.0000000000000p-38", "3.637978807091713e-12" },
	{ "0x1.0000000000000p-1", "0.5" },
	{ "0x1.0000000000000p+36", "68719476736.0" },
	{ "0x1.0000000000000p+73", "9.44473296573929e+21" },
	{ "0x1.0000000000000p+110", "1.298074214633707e+33" },
	{ "0x1.0000000000000p+147", "1.78405961588245e+44" },
	{ "0x1.0000000000000p+184", "2.4519928653854222e+55" },
	{ "0x1.0000000000000p+221", "3.36999333339383e+66" },
	{ "0x1.0000000000000p+258", "4.631683569492648e+77" },
	{ "0x1.0000000000000p+295", "6.365737426045269e+88" },
	{ "0x1.0000000000000p+332", "8.749002899132048e+99" },
	{ "0x1.0000000000000p+369", "1.2024538023802026e+111" },
	{ "0x1.0000000000000p+406", "1.6526399219756215e+122" },
	{ "0x1.0000000000000p+443", "2.2713710134237715e+133" },
	{ "0x1.0000000000000p+480", "3.1217485503159922e+144" },
	{ "0x1.0000000000000p+517", "4.290498537581631e+155" },
	{ "0x1.0000000000000p+554", "5.896816288783659e+166" },
	{ "0x1.0000000000000p+591", "8.10452259547069e+177" },
	{ "0x1.0000000000000p+628", "1.1138771039116688e+189" },
	{ "0x1.0000000000000p+665", "1.5309010345804195e+200" },
	{ "0x1.0000000000000p+702", "2.1040543606193494e+211" },
	{ "0x1.0000000000000p+739", "2.891790293717215e+222" },
	{ "0x1.0000000000000p+776", "3.974446316289815e+233" },
	{ "0x1.0000000000000p+813", "5.462437423415177e+244" },
	{ "0x1.0000000000000p+850", "7.5075168288047e+255" },
	{ "0x1.0000000000000p+887", "1.0318252561243462e+267" },
	{ "0x1.0000000000000p+924", "1.418129833677085e+278" },
	{ "0x1.0000000000000p+961", "1.94906280228e+289" },
	{ "0x1.0000000000000p+998", "2.6787715179656683e+300" },
};
static const char indent_doc[] = "{\"b\": [1, 2.5, {\"y\": [], \"x\": {}}], \"a\": \"\xc3\xa9\\n\", \"c\": {\"k\": [true, null]}}";
static const char indent2_sorted[] = "{\x0a  \"a\": \"\\u00e9\\n\",\x0a  \"b\": [\x0a    1,\x0a    2.5,\x0a    {\x0a      \"x\": {},\x0a      \"y\": []\x0a    }\x0a  ],\x0a  \"c\": {\x0a    \"k\": [\x0a      true,\x0a      null\x0a    ]\x0a  }\x0a}";
static const char indent0_unsorted[] = "{\x0a\"b\": [\x0a""1,\x0a""2.5,\x0a{\x0a\"y\": [],\x0a\"x\": {}\x0a}\x0a],\x0a\"a\": \"\\u00e9\\n\",\x0a\"c\": {\x0a\"k\": [\x0atrue,\x0anull\x0a]\x0a}\x0a}";
static const char compact_unsorted[] = "{\"b\": [1, 2.5, {\"y\": [], \"x\": {}}], \"a\": \"\\u00e9\\n\", \"c\": {\"k\": [true, null]}}";

static cJSON *
parse(const char *json)
{
	struct err e = ERR_INIT;
	cJSON *t = NULL;

	if (json == NULL)
		return NULL;
	if (jsonc_parse(json, strlen(json), NULL, &t, &e) < 0)
		printf("# parse error: %s\n", e.msg);
	return t;
}

static void
test_differential(void)
{
	size_t i, n = sizeof(hash_cases) / sizeof(hash_cases[0]);
	char hex[65];

	ok(n >= 30, "differential table has %zu cases", n);
	for (i = 0; i < n; i++) {
		const struct hash_case *c = &hash_cases[i];
		cJSON *args = parse(c->args_json);
		char *text;

		text = config_hash_text(c->name, c->type, c->command, args, c->url);
		is_str(text, c->text, "config text: %s", c->name);
		is_int(config_hash(c->name, c->type, c->command, args, c->url, hex), 0,
		       "config_hash ok: %s", c->name);
		is_str(hex, c->hash, "config_hash: %s", c->name);
		free(text);
		cJSON_Delete(args);
	}
}

static void
test_contract_example(void)
{
	cJSON *args = parse("[\"-y\", \"@mcp/server-github\"]");
	char *text = config_hash_text("github", "stdio", "npx", args, NULL);
	char hex[65];

	is_str(text, "{\"args\": [\"-y\", \"@mcp/server-github\"], \"command\": \"npx\", "
		     "\"name\": \"github\", \"type\": \"stdio\", \"url\": null}",
	       "contract §3.5 example text");
	config_hash("github", "stdio", "npx", args, NULL, hex);
	is_str(hex, "a3d5d68f223b188b92852be451cb7ab8a3f4f439e797f9f1ac725823f65085a3",
	       "contract example hash (python3 hashlib)");
	ok(strlen(hex) == 64 && strspn(hex, "0123456789abcdef") == 64, "64 lowercase hex digits");
	free(text);

	/* The hash depends on the parsed type, not the wire type. */
	{
		char h2[65];

		config_hash("github", "streamable-http", "npx", args, NULL, h2);
		ok(strcmp(hex, h2) != 0, "type enters the hash");
	}
	cJSON_Delete(args);

	is_int(config_hash(NULL, "stdio", NULL, NULL, NULL, hex), -ERR_INVALID, "NULL name refused");
	is_str(hex, "", "out cleared on error");
	is_int(config_hash("x", NULL, NULL, NULL, NULL, hex), -ERR_INVALID, "NULL type refused");
	ok(config_hash_text(NULL, "stdio", NULL, NULL, NULL) == NULL, "text: NULL name");
}

static void
test_floats(void)
{
	size_t i, n = sizeof(float_cases) / sizeof(float_cases[0]), bad = 0;
	char out[PY_FLOAT_REPR_MAX];

	for (i = 0; i < n; i++) {
		double v = strtod(float_cases[i].hex, NULL);

		py_float_repr(v, out, sizeof(out));
		if (strcmp(out, float_cases[i].repr) != 0) {
			printf("# %s: got %s want %s\n", float_cases[i].hex, out, float_cases[i].repr);
			bad++;
		}
	}
	is_int(bad, 0, "py_float_repr matches python repr() on %zu doubles", n);
	py_float_repr(INFINITY, out, sizeof(out));
	is_str(out, "inf", "repr(inf)");
	py_float_repr(-INFINITY, out, sizeof(out));
	is_str(out, "-inf", "repr(-inf)");
	py_float_repr(NAN, out, sizeof(out));
	is_str(out, "nan", "repr(nan)");
}

static void
test_special_numbers(void)
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	cJSON_AddItemToArray(a, cJSON_CreateNumber(INFINITY));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(-INFINITY));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(3));
	cJSON_AddItemToArray(a, tree_new_integer(3));
	cJSON_AddItemToArray(a, tree_new_integer_text("123456789012345678901234567890123456789"));
	s = pyjson_dumps(a);
	is_str(s, "[Infinity, -Infinity, NaN, 3.0, 3, 123456789012345678901234567890123456789]",
	       "inf/nan as Python json; untagged numbers are floats; big ints exact");
	free(s);
	s = pyjson_dumps_opts(a, PYJSON_PLAIN_INTEGERS, -1);
	is_str(s, "[Infinity, -Infinity, NaN, 3, 3, 123456789012345678901234567890123456789]",
	       "PYJSON_PLAIN_INTEGERS prints integral plain numbers as ints");
	free(s);
	cJSON_Delete(a);

	/* Integer texts other parsers may keep (TOML/YAML): printed as Python ints. */
	{
		static const char *in[] = { "+42", "007", "0x1F", "1_000", "-0", "-0xff", "0o17",
					    "0b101", "0", "1e3" };
		static const char *want = "[42, 7, 31, 1000, 0, -255, 15, 5, 0, 1000]";

		a = cJSON_CreateArray();
		for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
			cJSON *n = tree_new_integer_text(in[i]);

			/* "1e3" is no integer text: the value (1000.0) decides. */
			if (strcmp(in[i], "1e3") == 0)
				n->valuedouble = 1000;
			cJSON_AddItemToArray(a, n);
		}
		s = pyjson_dumps(a);
		is_str(s, want, "integer texts normalised like Python int()");
		free(s);
		cJSON_Delete(a);
	}
}

static void
test_strings(void)
{
	cJSON *s = cJSON_CreateString("a\x80" "b\xe2\x82" "c\xed\xa0\x80" "d\xf4\x90\x80\x80"
				      "e\xc0\xaf" "z");
	char *out = pyjson_dumps(s);

	/* python3: bytes.decode("utf-8", "replace") then json.dumps */
	is_str(out, "\"a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffd\\ufffde"
		    "\\ufffd\\ufffdz\"", "invalid UTF-8 -> U+FFFD per maximal subpart");
	free(out);
	cJSON_Delete(s);

	is_int(utf8_length("h\xc3\xa9llo \xf0\x9f\x98\x80"), 7, "utf8_length counts code points");
	is_int(utf8_length("\xff\xfe"), 2, "utf8_length: invalid bytes count one each");
	is_int(utf8_length(""), 0, "utf8_length empty");

	s = cJSON_CreateString("\x7f/\x01");
	out = pyjson_dumps(s);
	is_str(out, "\"\\u007f/\\u0001\"", "DEL and controls escaped, slash kept");
	free(out);
	cJSON_Delete(s);
}

static void
test_indent_and_order(void)
{
	cJSON *t = parse(indent_doc);
	char *s;

	s = pyjson_dumps_opts(t, 0, 2);
	is_str(s, indent2_sorted, "indent=2, sort_keys=True");
	free(s);
	s = pyjson_dumps_opts(t, PYJSON_NO_SORT, 0);
	is_str(s, indent0_unsorted, "indent=0, unsorted");
	free(s);
	s = pyjson_dumps_opts(t, PYJSON_NO_SORT, -1);
	is_str(s, compact_unsorted, "compact, unsorted");
	free(s);
	cJSON_Delete(t);

	/* Duplicate keys built in code: the last wins, as in a Python dict. */
	t = cJSON_CreateObject();
	cJSON_AddNumberToObject(t, "k", 1);
	cJSON_AddStringToObject(t, "a", "x");
	cJSON_AddNumberToObject(t, "k", 2);
	s = pyjson_dumps(t);
	is_str(s, "{\"a\": \"x\", \"k\": 2.0}", "duplicate keys: last wins");
	free(s);
	cJSON_Delete(t);
}

static void
test_limits(void)
{
	cJSON *root = cJSON_CreateArray(), *cur = root;
	struct buf b = BUF_INIT;
	char hex[65];
	int i;

	for (i = 0; i < PYJSON_MAX_DEPTH + 10; i++) {
		cJSON *n = cJSON_CreateArray();

		cJSON_AddItemToArray(cur, n);
		cur = n;
	}
	ok(pyjson_dumps(root) == NULL, "too deep: NULL");
	is_int(config_hash("x", "stdio", NULL, root, NULL, hex), -ERR_LIMIT, "too deep: -ERR_LIMIT");
	cJSON_Delete(root);
	ok(pyjson_dumps(NULL) == NULL, "NULL item");

	root = parse("[\"0123456789\", \"0123456789\"]");
	buf_init(&b, 16);
	is_int(pyjson_dump_buf(&b, root, 0, -1), -1, "buffer cap reported");
	buf_release(&b);
	buf_init(&b, 64);
	is_int(pyjson_dump_buf(&b, root, 0, -1), 0, "fits under the cap");
	is_str(b.data, "[\"0123456789\", \"0123456789\"]", "capped buffer content");
	buf_release(&b);
	cJSON_Delete(root);
}

int
main(void)
{
	test_contract_example();
	test_differential();
	test_floats();
	test_special_numbers();
	test_strings();
	test_indent_and_order();
	test_limits();
	return tap_done();
}

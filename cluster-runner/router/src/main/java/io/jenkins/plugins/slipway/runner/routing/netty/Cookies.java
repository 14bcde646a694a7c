package io.jenkins.plugins.slipway.runner.routing.netty;

/** Cookie helpers that read a {@code Cookie} header without building a map of every cookie on every request. */
final class Cookies {
    private Cookies() {
    }

    /**
     * @param header value of a {@code Cookie} request header ({@code a=1; b=2}), may be null
     * @return the value of cookie {@code name} (surrounding double quotes removed), or null when absent
     */
    static String value(CharSequence header, String name) {
        if (header == null) {
            return null;
        }
        int len = header.length();
        int i = 0;
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';' || header.charAt(i) == '\t')) {
                i++;
            }
            int end = i;
            while (end < len && header.charAt(end) != ';') {
                end++;
            }
            int eq = -1;
            for (int j = i; j < end; j++) {
                if (header.charAt(j) == '=') {
                    eq = j;
                    break;
                }
            }
            if (eq > i && eq - i == name.length() && regionMatches(header, i, name)) {
                int vs = eq + 1;
                int ve = end;
                while (ve > vs && header.charAt(ve - 1) == ' ') {
                    ve--;
                }
                if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
                    vs++;
                    ve--;
                }
                return header.subSequence(vs, ve).toString();
            }
            i = end + 1;
        }
        return null;
    }

    /** Name of the sticky cookie of a route: {@code slipway-rev-} and the route name with every character a cookie name may not hold replaced by {@code _}. */
    static String stickyName(String routeName) {
        StringBuilder sb = new StringBuilder("slipway-rev-");
        for (int i = 0; i < routeName.length(); i++) {
            char c = routeName.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.';
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    private static boolean regionMatches(CharSequence s, int from, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (s.charAt(from + k) != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}

package io.jenkins.plugins.slipway.runner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line arguments: positionals, {@code --name value} options (repeatable) and {@code --flag}s. */
final class Args {
    private static final List<String> FLAGS = List.of("--watch", "--help", "--full", "--tls-self-signed");

    final List<String> positional = new ArrayList<>();
    final Map<String, List<String>> options = new LinkedHashMap<>();

    static Args parse(String[] argv, int from) {
        Args a = new Args();
        for (int i = from; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.startsWith("--") && arg.contains("=")) {
                a.add(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (FLAGS.contains(arg)) {
                a.add(arg, "true");
            } else if (arg.startsWith("-") && !arg.equals("-")) {
                if (i + 1 >= argv.length) {
                    throw new UsageException(arg + " needs a value");
                }
                a.add(arg, argv[++i]);
            } else {
                a.positional.add(arg);
            }
        }
        return a;
    }

    private void add(String name, String value) {
        options.computeIfAbsent(name.equals("-f") ? "--file" : name, k -> new ArrayList<>()).add(value);
    }

    String get(String name, String dflt) {
        List<String> v = options.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String positional(int i, String what) {
        if (positional.size() <= i) {
            throw new UsageException("missing " + what);
        }
        return positional.get(i);
    }

    /** Wrong usage: the message and the usage text are printed, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}

package imageclient;

import java.util.ArrayList;
import java.util.List;

/**
 * The peer-client command line of docs/client-matrix-format.md: every
 * argument is {@code --name=value}, {@code --quick} and {@code --check} are
 * bare flags. A bad argument throws {@link IllegalArgumentException} with one
 * line naming it.
 */
final class ClientOptions {
  static final String USAGE =
      String.join(
          "\n",
          "usage: clients/java-grpc/run --out=FILE [flags]",
          "  --target=HOST:PORT   server, plaintext (default 127.0.0.1:50051)",
          "  --settings=NAME      default | recommended (default default)",
          "  --out=FILE           where to write the result JSON (required)",
          "  --quick              the short scenario set, for tests and CI",
          "  --min_time_s=S       time per stream scenario (default 1.0, quick 0.2)",
          "  --list_calls=N       ListImages calls per concurrency (default 200, quick 50)",
          "  --check              exit 0 if this client can run here, else 3 with",
          "                       one line 'unavailable: <why>'",
          "  --help               this text");

  String target = "127.0.0.1:50051";
  String settings = "default";
  String out;
  boolean quick;
  boolean check;
  boolean help;
  private Double minTimeS;
  private Integer listCalls;

  double minTimeS() {
    return minTimeS != null ? minTimeS : quick ? 0.2 : 1.0;
  }

  int listCalls() {
    return listCalls != null ? listCalls : quick ? 50 : 200;
  }

  static ClientOptions parse(String[] args) {
    ClientOptions options = new ClientOptions();
    for (String arg : args) {
      options.parseOne(arg);
    }
    if (options.help || options.check) {
      return options;
    }
    if (options.out == null || options.out.isEmpty()) {
      throw new IllegalArgumentException("--out=FILE is required");
    }
    return options;
  }

  private void parseOne(String arg) {
    if (arg.equals("--quick")) {
      quick = true;
      return;
    }
    if (arg.equals("--check")) {
      check = true;
      return;
    }
    if (arg.equals("--help") || arg.equals("-h")) {
      help = true;
      return;
    }
    int equals = arg.indexOf('=');
    if (!arg.startsWith("--") || equals < 0) {
      throw new IllegalArgumentException("unknown argument '" + shorten(arg) + "' (see --help)");
    }
    String name = arg.substring(2, equals);
    String value = arg.substring(equals + 1);
    switch (name) {
      case "target":
        target = nonEmpty(name, value);
        break;
      case "settings":
        if (!value.equals("default") && !value.equals("recommended")) {
          throw new IllegalArgumentException(
              "--settings is '" + shorten(value) + "', not default or recommended");
        }
        settings = value;
        break;
      case "out":
        out = nonEmpty(name, value);
        break;
      case "min_time_s":
        minTimeS = positiveSeconds(value);
        break;
      case "list_calls":
        listCalls = positiveCount(value);
        break;
      default:
        throw new IllegalArgumentException("unknown flag --" + shorten(name) + " (see --help)");
    }
  }

  private static String nonEmpty(String name, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " is empty");
    }
    return value;
  }

  private static double positiveSeconds(String value) {
    try {
      double seconds = Double.parseDouble(value);
      if (seconds > 0 && seconds <= 3600) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw new IllegalArgumentException(
        "--min_time_s is '" + shorten(value) + "', not a number of seconds in (0, 3600]");
  }

  private static int positiveCount(String value) {
    try {
      int count = Integer.parseInt(value);
      if (count >= 1 && count <= 1_000_000) {
        return count;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw new IllegalArgumentException(
        "--list_calls is '" + shorten(value) + "', not a count in [1, 1000000]");
  }

  /** At most 60 characters of a user's argument, non-printable ones escaped. */
  static String shorten(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 60; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.length() < text.length() ? out + "..." : out.toString();
  }

  /** Images per stream of each stream scenario at concurrency {@code c}, in run order. */
  List<Integer> streamSizes(int concurrency) {
    List<Integer> sizes = new ArrayList<>();
    int[] table;
    if (concurrency == 1) {
      table = quick ? new int[] {1, 10, 100} : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    } else {
      table = quick ? new int[] {10, 100} : new int[] {1, 10, 100, 1000};
    }
    for (int size : table) {
      sizes.add(size);
    }
    return sizes;
  }
}

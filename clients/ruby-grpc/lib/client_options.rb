# frozen_string_literal: true

# The peer-client command line of docs/client-matrix-format.md: every
# argument is --name=value; --quick, --check and --help are bare flags.
module PeerClient
  # A bad argument, said in one line.
  class UsageError < StandardError; end

  # What the command line asked for.
  class ClientOptions
    USAGE = <<~TEXT
      usage: clients/ruby-grpc/run --out=FILE [flags]
        --target=HOST:PORT   server, plaintext (default 127.0.0.1:50051)
        --settings=NAME      default | recommended (default default)
        --out=FILE           where to write the result JSON (required)
        --quick              the short scenario set, for tests and CI
        --min_time_s=S       time per stream scenario (default 1.0, quick 0.2)
        --list_calls=N       ListImages calls per concurrency (default 200, quick 50)
        --check              exit 0 if this client can run here, else 3 with
                             one line 'unavailable: <why>'
        --help               this text
    TEXT

    STREAM_SIZES = {
      1 => { full: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], quick: [1, 10, 100] },
      8 => { full: [1, 10, 100, 1000], quick: [10, 100] }
    }.freeze

    attr_reader :target, :settings, :out

    def initialize(args)
      @target = '127.0.0.1:50051'
      @settings = 'default'
      @flags = {}
      args.each { |arg| parse_one(arg) }
      return if help? || check?

      raise UsageError, '--out=FILE is required' if @out.nil? || @out.empty?
    end

    def quick? = @flags[:quick]
    def check? = @flags[:check]
    def help? = @flags[:help]

    def min_time_s
      @min_time_s || (quick? ? 0.2 : 1.0)
    end

    def list_calls
      @list_calls || (quick? ? 50 : 200)
    end

    # Images per stream of each stream scenario at `concurrency`, in run order.
    def stream_sizes(concurrency)
      STREAM_SIZES.fetch(concurrency)[quick? ? :quick : :full]
    end

    # At most 60 characters of a user's text, control characters escaped.
    def self.shorten(text)
      escaped = text.to_s.each_char.first(60)
                    .map { |c| c.ord < 0x20 || c.ord == 0x7f ? format('\\x%02x', c.ord) : c }.join
      text.to_s.length > 60 ? "#{escaped}..." : escaped
    end

    private

    def parse_one(arg)
      bare = { '--quick' => :quick, '--check' => :check, '--help' => :help, '-h' => :help }
      return @flags[bare[arg]] = true if bare.key?(arg)

      name, value = arg.start_with?('--') && arg.include?('=') ? arg[2..].split('=', 2) : nil
      raise UsageError, "unknown argument '#{ClientOptions.shorten(arg)}' (see --help)" if name.nil?

      assign(name, value)
    end

    def assign(name, value)
      case name
      when 'target' then @target = non_empty(name, value)
      when 'out' then @out = non_empty(name, value)
      when 'settings'
        unless %w[default recommended].include?(value)
          raise UsageError, "--settings is '#{ClientOptions.shorten(value)}', not default or recommended"
        end

        @settings = value
      when 'min_time_s' then @min_time_s = number(name, value, Float, 0.0, 3600.0, 'a number of seconds in (0, 3600]')
      when 'list_calls' then @list_calls = number(name, value, Integer, 0, 1_000_000, 'a count in [1, 1000000]')
      else raise UsageError, "unknown flag --#{ClientOptions.shorten(name)} (see --help)"
      end
    end

    def non_empty(name, value)
      raise UsageError, "--#{name} is empty" if value.empty?

      value
    end

    def number(name, value, kind, above, at_most, what)
      parsed = kind == Float ? Float(value, exception: false) : Integer(value, 10, exception: false)
      return parsed if parsed && parsed > above && parsed <= at_most && parsed.finite?

      raise UsageError, "--#{name} is '#{ClientOptions.shorten(value)}', not #{what}"
    end
  end
end

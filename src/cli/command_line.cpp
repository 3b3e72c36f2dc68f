#include "cli/command_line.hpp"

#include "cli/engagement_options.hpp"

#include <boost/program_options.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "core/version.hpp"
#include "io/h5/compression.hpp"

namespace engage::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxCustomers = 1ull << 40;
constexpr std::uint64_t kMaxShardRows = 1ull << 40;

// The output file of generate or import: not a directory, not the input (`input`, "" if none).
// The directory that holds it is checked when the job starts (io::StagedFile).
void check_output_file(const char* command, const std::string& output, const std::string& input) {
    std::error_code ec;
    if (output.empty() || output.back() == '/' || fs::is_directory(output, ec))
        throw ConfigError(std::string("engage ") + command + ": --output " + output +
                          " is a directory; give the path of the HDF5 file to write, e.g. " +
                          (output.empty() ? std::string("base.h5") : (fs::path(output) / "base.h5").string()));
    if (!input.empty() && (fs::equivalent(input, output, ec) ||
                           fs::weakly_canonical(input, ec) == fs::weakly_canonical(output, ec)))
        throw ConfigError(std::string("engage ") + command + ": --output " + output +
                          " is the input " + input + "; writing it would replace the input; choose another --output");
}

// The output directory of score: not the root directory, not an existing file, and not a
// directory whose customers.h5 is the input.
void check_output_dir(const std::string& output, const std::string& input) {
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(fs::absolute(output, ec), ec);
    if (output.empty() || dir == dir.root_path())
        throw ConfigError("engage score: --output " + output + " is the root directory; give a directory of "
                          "its own for the results (e.g. --output results)");
    if (fs::exists(output, ec) && !fs::is_directory(output, ec))
        throw ConfigError("engage score: --output " + output + " exists and is not a directory; give a "
                          "directory for the results (it is created if missing)");
    if (fs::equivalent(input, fs::path(output) / "customers.h5", ec))
        throw ConfigError("engage score: --input " + input + " is the customers.h5 that --output " + output +
                          " would replace; score into another directory");
}

const char* kUsage =
    "usage: engage COMMAND [OPTIONS]\n"
    "\n"
    "Scores the engagement of every customer of a customer base (HDF5), on any number of MPI\n"
    "ranks (mpirun -n N engage ...) and OpenMP threads (OMP_NUM_THREADS).\n"
    "\n"
    "commands:\n"
    "  generate   write a synthetic customer base with planted ground truth\n"
    "  score      compute per-customer features and the corporate report\n"
    "  import     convert a transaction log (CSV or text) into a customer base\n"
    "\n"
    "engage COMMAND --help lists a command's options; engage --version prints the version.\n"
    "Exit codes: 0 success, 2 bad option or configuration, 3 invalid input data, 4 file system\n"
    "error, 5 MPI error, 1 internal error, 75 stopped on request (SIGTERM or SIGUSR1) at a\n"
    "checkpoint: rerun the same command to resume (engage score).\n";

constexpr const char* kScoreExamples =
    "\nexamples:\n"
    "  engage score --input base.h5 --output out              # report.html, report.json, customers.csv\n"
    "  mpirun -n 16 engage score --input base.h5 --output out --as-of 2025-06-30\n"
    "  engage score --input base.h5 --output out --retention --holdout-days 180\n"
    "  engage score --input base.h5 --output out --config my.cfg --kind-weight.referral 5\n"
    "  engage import --transactions export.csv --output base.h5   # your own data first: engage import --help\n";

std::string help_of(const std::string& command, const po::options_description& d) {
    std::ostringstream out;
    out << "usage: engage " << command << " [OPTIONS]\n\n" << d;
    return out.str();
}

void require(const po::variables_map& vm, const char* name, const std::string& command) {
    if (!vm.count(name))
        throw ConfigError(std::string("engage ") + command + ": option --" + name +
                          " is required; see engage " + command + " --help");
}

// A size in bytes: a whole number with an optional suffix K, M, G or T (powers of 1024), at
// least 1M and at most 1P.
std::uint64_t parse_memory(const char* option, const std::string& text) {
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    const std::string suffix = used ? text.substr(used) : "";
    int shift = -1;
    if (used && !text.empty() && text[0] != '-') {
        if (suffix.empty()) shift = 0;
        else if (suffix == "K" || suffix == "k") shift = 10;
        else if (suffix == "M" || suffix == "m") shift = 20;
        else if (suffix == "G" || suffix == "g") shift = 30;
        else if (suffix == "T" || suffix == "t") shift = 40;
    }
    if (shift < 0 || n > (1ull << 50 >> shift) || (n << shift) < (1ull << 20))
        throw ConfigError(std::string(option) + " " + text +
                          ": expected a size from 1M to 1P, a whole number with an optional K, M, G or T (e.g. 512M, 2G)");
    return std::uint64_t(n) << shift;
}

template <class T>
void at_least(const char* option, T value, T minimum) {
    if (value < minimum)
        throw ConfigError(std::string("--") + option + " " + std::to_string(value) + ": must be at least " +
                          std::to_string(minimum));
}

// `value` in [minimum, maximum]; `why` says where the maximum comes from.
template <class T>
void in_range(const char* option, T value, T minimum, T maximum, const char* why) {
    at_least(option, value, minimum);
    if (value > maximum)
        throw ConfigError(std::string("--") + option + " " + std::to_string(value) + ": must be at most " +
                          std::to_string(maximum) + " (" + why + ")");
}

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// --cohort-brackets: comma-separated whole numbers, increasing, from 0 to 1200 (100 years of
// months), at least two: the bounds of the brackets of periods.
std::vector<std::int32_t> parse_cohort_brackets(const std::string& text) {
    const std::string why = "--cohort-brackets " + text + ": ";
    std::vector<std::int32_t> bounds;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = trim(text.substr(at, comma - at));
        std::int32_t b = -1;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), b);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || b < 0 || b > 1200)
            throw ConfigError(why + "\"" + item + "\" is not a whole number of periods from 0 to 1200; expected "
                              "increasing bounds such as 0,1,3,6,12");
        if (!bounds.empty() && b <= bounds.back())
            throw ConfigError(why + "the bounds must increase (" + std::to_string(bounds.back()) + " then " +
                              std::to_string(b) + "); e.g. 0,1,3,6,12");
        bounds.push_back(b);
        at = comma + 1;
    }
    if (bounds.size() < 2)
        throw ConfigError(why + "at least two bounds are needed (one bracket [first, second)); e.g. 0,1,3,6,12");
    return bounds;
}

// Checks the values of numeric options as written, before Boost converts them: its lexical_cast
// reads "-1" into an unsigned option as 2^64 - 1, and a float option accepts inf and nan.
// `where` names the source ("" for the command line, "FILE: key " for a configuration file).
void check_numbers(const po::parsed_options& parsed, const std::string& where) {
    for (const auto& opt : parsed.options) {
        if (opt.unregistered || !parsed.description) continue;
        const auto* d = parsed.description->find_nothrow(opt.string_key, false);
        if (!d) continue;
        const auto* sem = d->semantic().get();
        const bool is_unsigned = dynamic_cast<const po::typed_value<std::uint64_t>*>(sem) ||
                                 dynamic_cast<const po::typed_value<std::uint32_t>*>(sem);
        const bool is_float = dynamic_cast<const po::typed_value<double>*>(sem);
        const std::string name = where.empty() ? "--" + opt.string_key : where + opt.string_key;
        for (const auto& raw : opt.value) {
            const std::string v = trim(raw);
            if (is_unsigned && !v.empty() && v[0] == '-')
                throw ConfigError(name + " " + v + ": must be a whole number >= 0; negative values are not allowed");
            if (is_float) {
                char* end = nullptr;
                const double x = std::strtod(v.c_str(), &end);
                if (end != v.c_str() && !*end && !std::isfinite(x))
                    throw ConfigError(name + " " + v + ": must be a finite number (not inf or nan)");
            }
        }
    }
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& d,
                        const std::string& command) {
    po::variables_map vm;
    try {
        const auto parsed = po::command_line_parser(args).options(d).run();
        check_numbers(parsed, "");
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw ConfigError(std::string("engage ") + command + ": " + e.what() + "; see engage " + command +
                          " --help");
    }
    return vm;
}

// --compression and --compression-level of a command that writes HDF5 (io/h5/compression.hpp).
// The default codec was chosen from the measurements of docs/performance.md, "Codecs (issue 14)".
constexpr const char* kDefaultCompression = "none";
struct CompressionArgs {
    std::string name = kDefaultCompression;
    int level = -1;
};
void add_compression_options(po::options_description& d, CompressionArgs& a, const char* what) {
    d.add_options()
        ("compression", po::value(&a.name)->default_value(a.name),
         (std::string("codec of ") + what + ": zstd, lz4, deflate or none (none: contiguous, unfiltered, written at "
          "disk speed; the others: chunks through shuffle + the codec, readable by h5py with hdf5plugin)").c_str())
        ("compression-level", po::value(&a.level),
         "codec level: zstd 1-19 (default 1), deflate 1-9 (default 1); lz4 and none take none");
}

Command parse_generate(const std::vector<std::string>& args) {
    jobs::GenerateOptions o;
    auto& s = o.synth;
    po::options_description d("engage generate options");
    d.add_options()
        ("help,h", "show this help")
        ("customers", po::value(&s.customers), "number of customers (required, >= 1)")
        ("output", po::value(&o.output), "HDF5 file to write (required)")
        ("seed", po::value(&s.seed)->default_value(s.seed), "random seed: the same seed gives the same file for any number of ranks")
        ("mean-interactions", po::value(&s.mean_interactions)->default_value(s.mean_interactions), "target mean interactions per customer")
        ("business-units", po::value(&s.business_units)->default_value(s.business_units), "business units")
        ("regions-per-unit", po::value(&s.regions_per_unit)->default_value(s.regions_per_unit), "regions per business unit")
        ("customers-per-rm", po::value(&s.customers_per_rm)->default_value(s.customers_per_rm), "customers per relationship manager")
        ("history-days", po::value(&s.history_days)->default_value(s.history_days), "days of history from the epoch")
        ("epoch", po::value(&o.epoch)->default_value(o.epoch), "date of day 0, YYYY-MM-DD")
        ("company-touches", po::bool_switch(&s.company_touches),
         "plant the company's side too: offers and responses, support replies, idea feedback, "
         "initiator and answers columns (docs/metrics.md)")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress or summary");
    CompressionArgs compression;
    add_compression_options(d, compression, "the base's columns");
    const auto vm = parse(args, d, "generate");
    if (vm.count("help")) return HelpRequest{help_of("generate", d)};
    require(vm, "customers", "generate");
    require(vm, "output", "generate");
    in_range<std::uint64_t>("customers", s.customers, 1, kMaxCustomers, "2^40 customers");
    o.compression = io::h5::parse_compression(compression.name, compression.level);
    in_range<double>("mean-interactions", s.mean_interactions, 0.0, 1e5, "interactions per customer on average");
    in_range<std::uint32_t>("business-units", s.business_units, 1, 1000, "the report has one group per unit");
    in_range<std::uint32_t>("regions-per-unit", s.regions_per_unit, 1, 1000, "regions of one business unit");
    at_least<std::uint32_t>("customers-per-rm", s.customers_per_rm, 1);
    in_range<kernels::Day>("history-days", s.history_days, 1, 36600, "100 years");
    const auto epoch = parse_iso_date(o.epoch);
    if (!epoch) throw ConfigError("--epoch " + o.epoch + ": expected a date YYYY-MM-DD");
    if (*epoch + s.history_days > *parse_iso_date("9999-12-31"))
        throw ConfigError("--epoch " + o.epoch + " with --history-days " + std::to_string(s.history_days) +
                          ": the history would end after 9999-12-31; choose an earlier epoch");
    // The names of the hierarchy are tables the reader accepts up to 2^24 entries each.
    const std::uint64_t regions = std::uint64_t(s.business_units) * s.regions_per_unit;
    const std::uint64_t rms = std::max(regions, (s.customers + s.customers_per_rm - 1) / s.customers_per_rm);
    if (rms > (1u << 24))
        throw ConfigError("--customers " + std::to_string(s.customers) + " with --customers-per-rm " +
                          std::to_string(s.customers_per_rm) + ": " + std::to_string(rms) +
                          " relationship managers, at most 16777216; raise --customers-per-rm");
    check_output_file("generate", o.output, "");
    return o;
}

Command parse_score(const std::vector<std::string>& args) {
    jobs::ScoreOptions o;
    std::string config;
    std::string memory = "1G";
    bool no_customers_csv = false;
    po::options_description cmd("engage score options");
    cmd.add_options()
        ("help,h", "show this help")
        ("input", po::value(&o.input), "customer base to score (HDF5, docs/data-format.md; required)")
        ("output", po::value(&o.output), "directory for customers.h5, report.json, CSV tables, run.json (required)")
        ("config", po::value(&config), "configuration file of the options below (key = value); the command line wins")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress or summary")
        ("no-customers-csv", po::bool_switch(&no_customers_csv), "skip customers.csv, the per-customer table (customers.h5 holds the same columns; the CSV is about 200 bytes per customer)");
    CompressionArgs compression;
    add_compression_options(cmd, compression, "customers.h5");
    po::options_description scoring("scoring options (command line or --config file)");
    po::options_description shown_scoring;  // for --help: the per-kind keys once (per_kind_help)
    scoring.add_options()
        ("as-of", po::value(&o.as_of), "score as of this date, YYYY-MM-DD, inside the data (default: its last day)")
        ("window-days", po::value(&o.window_days)->default_value(o.window_days), "scoring window in days, ending on the as-of date")
        ("currency", po::value(&o.currency)->default_value(o.currency), "what the input's amounts are in, as report.html labels money (e.g. EUR, USD); a label only, nothing is converted")
        ("shard-interactions", po::value(&o.shards.interactions)->default_value(o.shards.interactions), "interactions per shard (memory per rank ~ 17 bytes x this)")
        ("shard-customers", po::value(&o.shards.customers)->default_value(o.shards.customers), "customers per shard at most")
        ("memory-per-rank", po::value(&memory)->default_value(memory), "memory a rank may hold, e.g. 512M, 1G, 4G; per-customer state beyond it goes to scratch files in the output directory (results do not change)");
    po::options_description engagement, shown_engagement;
    add_engagement_options(engagement, shown_engagement);
    auto& rt = o.retention;
    std::string cohort_unit = "month", cohort_windows = "calendar", cohort_brackets, prediction_model = "bg_nbd";
    std::vector<std::string> backtest_dates;
    po::options_description retention("retention study (command line or --config file); the as-of date ends the calibration period");
    retention.add_options()
        ("retention", po::bool_switch(&rt.enabled), "fit BG/NBD, Pareto/NBD and Gamma-Gamma, Kaplan-Meier by tier, cohort retention")
        ("holdout-days", po::value(&rt.holdout_days)->default_value(rt.holdout_days), "observe outcomes over this many days after the as-of date: predicted vs actual repeat transactions, backtest (AUC, lift, calibration), seed claims and correlations (0: no holdout; the default as-of date is then the last day with data minus the holdout)")
        ("backtest-as-of", po::value(&backtest_dates)->composing(), "further scoring dates of the backtest, YYYY-MM-DD (repeat the option or separate by commas); each is scored on its own data and observed over the holdout after it, in the same pass over the data")
        ("calibrate-as-of", po::value(&o.calibrate_as_of), "training date of the backtest's RFM baseline, YYYY-MM-DD: fitted on the outcomes of (this date, as-of date] and applied to the as-of date out of time (each backtest date uses the same gap); default: the as-of date minus the holdout")
        ("churn-days", po::value(&rt.churn_days)->default_value(rt.churn_days), "non-contractual churn: this many days without an interaction")
        ("cancel-channel", po::value(&rt.cancel_channel), "contractual churn instead: a customer churns on its first interaction on this channel (a name in /channels/name)")
        ("cohort", po::value(&cohort_unit)->default_value(cohort_unit), "acquisition cohorts and periods by week, month, quarter or year")
        ("cohort-periods", po::value(&rt.cohort_periods)->default_value(rt.cohort_periods), "periods since acquisition in the cohort matrix")
        ("cohort-brackets", po::value(&cohort_brackets), "columns as brackets of periods instead: increasing bounds, 0,1,3,6,12 = periods 0, 1-2, 3-5, 6-11")
        ("cohort-windows", po::value(&cohort_windows)->default_value(cohort_windows), "calendar periods, or rolling: whole units from each customer's acquisition day")
        ("cohort-by", po::value(&rt.cohort_by)->default_value(rt.cohort_by), "a cohort matrix per business_unit, region, segment or rm")
        ("cohort-min-size", po::value(&rt.cohort_min_size)->default_value(rt.cohort_min_size), "withhold smaller cohorts (and fold smaller groups into \"other\")")
        ("cohort-show", po::value(&rt.cohort_show)->default_value(rt.cohort_show), "report.html's heatmap: on, on_or_after or revenue retention")
        ("horizon-weeks", po::value(&rt.horizon_weeks)->default_value(rt.horizon_weeks), "horizon of expected transactions and CLV, in weeks")
        ("discount-rate", po::value(&rt.annual_discount_rate)->default_value(rt.annual_discount_rate, "0.1"), "yearly discount rate of the CLV")
        ("prediction-model", po::value(&prediction_model)->default_value(prediction_model), "P(alive) and CLV from bg_nbd or pareto_nbd")
        ("opportunity-days", po::value(&rt.opportunity_days)->default_value(rt.opportunity_days), "BG/BB on N-day opportunities (365: yearly)");
    shown_scoring.add(scoring).add(shown_engagement).add(retention);
    scoring.add(engagement).add(retention);
    po::options_description all, shown;
    all.add(cmd).add(scoring);
    shown.add(cmd).add(shown_scoring);
    po::variables_map vm, command_line;  // command_line: what the command line alone set, for messages
    try {
        const auto parsed = po::command_line_parser(args).options(all).run();
        check_numbers(parsed, "");
        po::store(parsed, vm);
        command_line = vm;
        if (vm.count("config")) {
            const std::string path = vm["config"].as<std::string>();
            std::error_code ec;
            if (fs::is_directory(path, ec))
                throw ConfigError("--config " + path + ": is a directory; give the configuration file (key = value lines)");
            std::ifstream file(path, std::ios::binary);
            if (!file) throw ConfigError("--config " + path + ": cannot open the configuration file");
            std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
            if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a UTF-8 byte order mark (Windows editors)
            std::istringstream in(text);
            try {
                const auto from_file = po::parse_config_file(in, scoring, false);
                check_numbers(from_file, path + ": key ");
                po::store(from_file, vm);
            } catch (const po::unknown_option& e) {
                throw ConfigError(path + ": unknown key \"" + e.get_option_name() + "\"; " +
                                  known_keys(scoring, e.get_option_name()));
            } catch (const po::error& e) {
                throw ConfigError(path + ": " + e.what() + "; the keys it may hold are those of the "
                                  "scoring options in engage score --help (without the leading --)");
            }
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw ConfigError(std::string("engage score: ") + e.what() + "; see engage score --help");
    }
    if (vm.count("help")) return HelpRequest{help_of("score", shown) + "\n" + per_kind_help() + kScoreExamples};
    require(vm, "input", "score");
    require(vm, "output", "score");
    at_least<std::int64_t>("window-days", o.window_days, 1);
    if (o.window_days > 36600) throw ConfigError("--window-days " + std::to_string(o.window_days) + ": at most 36600 (100 years)");
    in_range<std::uint64_t>("shard-interactions", o.shards.interactions, 1, kMaxShardRows, "2^40");
    in_range<std::uint64_t>("shard-customers", o.shards.customers, 1, kMaxShardRows, "2^40");
    check_output_dir(o.output, o.input);
    o.memory_per_rank = parse_memory("--memory-per-rank", memory);
    o.customers_csv = !no_customers_csv;
    o.compression = io::h5::parse_compression(compression.name, compression.level);
    if (!o.as_of.empty() && !parse_iso_date(o.as_of))
        throw ConfigError("--as-of " + o.as_of + ": expected a date YYYY-MM-DD");
    o.engagement = engagement_config(vm, command_line, config, o.window_days);
    if (!rt.enabled)
        for (const char* option : {"holdout-days", "backtest-as-of", "calibrate-as-of", "churn-days", "cancel-channel", "cohort",
                                   "cohort-periods", "cohort-brackets", "cohort-windows", "cohort-by", "cohort-min-size",
                                   "cohort-show", "horizon-weeks", "discount-rate", "opportunity-days",
                                   "prediction-model"})
            if (vm.count(option) && !vm[option].defaulted())
                throw ConfigError(std::string("--") + option + " is an option of the retention study; add --retention");
    for (const auto& list : backtest_dates) {
        std::size_t at = 0;
        while (at <= list.size()) {
            const std::size_t comma = std::min(list.find(',', at), list.size());
            const std::string date = list.substr(at, comma - at);
            if (!parse_iso_date(date))
                throw ConfigError("--backtest-as-of " + list + ": \"" + date + "\" is not a date YYYY-MM-DD");
            o.backtest_as_of.push_back(date);
            at = comma + 1;
        }
    }
    if (!o.backtest_as_of.empty() && rt.holdout_days == 0)
        throw ConfigError("--backtest-as-of needs --holdout-days: the backtest observes the days after each date");
    if (!o.calibrate_as_of.empty() && !parse_iso_date(o.calibrate_as_of))
        throw ConfigError("--calibrate-as-of " + o.calibrate_as_of + ": expected a date YYYY-MM-DD");
    if (!o.calibrate_as_of.empty() && rt.holdout_days == 0)
        throw ConfigError("--calibrate-as-of needs --holdout-days: the baselines it trains are part of the backtest");
    const auto unit = kernels::parse_cohort_unit(cohort_unit);
    if (!unit) throw ConfigError("--cohort " + cohort_unit + ": allowed: week, month, quarter, year");
    rt.cohort_unit = *unit;
    if (prediction_model == "bg_nbd") rt.prediction_model = kernels::PredictionModel::bg_nbd;
    else if (prediction_model == "pareto_nbd") rt.prediction_model = kernels::PredictionModel::pareto_nbd;
    else throw ConfigError("--prediction-model " + prediction_model + ": allowed: bg_nbd, pareto_nbd");
    const auto window = kernels::parse_cohort_window(cohort_windows);
    if (!window) throw ConfigError("--cohort-windows " + cohort_windows + ": allowed: calendar, rolling");
    rt.cohort_window = *window;
    if (vm.count("cohort-brackets")) {
        if (!vm["cohort-periods"].defaulted())
            throw ConfigError("--cohort-brackets " + cohort_brackets + " and --cohort-periods both set the columns of the "
                              "cohort matrix; give one of them");
        rt.cohort_brackets = parse_cohort_brackets(cohort_brackets);
    }
    if (rt.cohort_by != "business_unit" && rt.cohort_by != "region" && rt.cohort_by != "segment" && rt.cohort_by != "rm")
        throw ConfigError("--cohort-by " + rt.cohort_by + ": allowed: business_unit, region, segment, rm (the "
                          "attributes of the base; docs/data-format.md)");
    if (rt.cohort_show != "on" && rt.cohort_show != "on_or_after" && rt.cohort_show != "revenue")
        throw ConfigError("--cohort-show " + rt.cohort_show + ": allowed: on, on_or_after, revenue");
    in_range<std::int64_t>("cohort-min-size", rt.cohort_min_size, 1, std::int64_t(1) << 40, "2^40");
    in_range<std::int32_t>("holdout-days", rt.holdout_days, 0, 36600, "100 years");
    in_range<std::int32_t>("churn-days", rt.churn_days, 1, 36600, "100 years");
    in_range<std::int32_t>("cohort-periods", rt.cohort_periods, 1, 1200, "100 years of months");
    in_range<std::int32_t>("horizon-weeks", rt.horizon_weeks, 1, 5200, "100 years");
    in_range<std::int32_t>("opportunity-days", rt.opportunity_days, 0, 36600, "100 years");
    if (!(rt.annual_discount_rate >= 0 && rt.annual_discount_rate < 10))
        throw ConfigError("--discount-rate " + std::to_string(rt.annual_discount_rate) + ": allowed: 0 to 10 (a yearly rate, 0.1 = 10 %)");
    return o;
}

Command parse_import(const std::vector<std::string>& args) {
    jobs::ImportOptions o;
    auto& c = o.csv;
    std::string separator = "auto", header = "auto", date_format = "auto", id_type = "auto";
    std::string min_date = "1900-01-01", max_date = "2199-12-31", max_bad_rows = "1%", memory = "1G";
    std::vector<std::string> attribute_columns;
    po::options_description d("engage import options");
    d.add_options()
        ("help,h", "show this help")
        ("transactions", po::value(&o.transactions)->multitoken()->composing(), "transaction log(s) to read: one row per transaction with customer id, date, optionally amount and channel (required). Repeat the option or list several files for one import: each file may have its own header; their rows are merged")
        ("output", po::value(&o.output), "customer base to write, HDF5 (required; replaced only when the import succeeds)")
        ("separator", po::value(&separator)->default_value(separator), "auto, comma, semicolon, tab or whitespace (auto: guessed from the first data line)")
        ("header", po::value(&header)->default_value(header), "auto, yes or no (auto: a first line whose date field is not a date is a header)")
        ("id-column", po::value(&c.id_column)->default_value(c.id_column), "customer id column: field number (1 = first) or header name")
        ("id-type", po::value(&id_type)->default_value(id_type), "customer ids: auto (whole numbers, 00042 is 42, when every id of every file is one; otherwise all ids are strings, 42 and 042 two customers), number (anything else a bad row) or string. String ids: at most 256 bytes of UTF-8; customers are numbered 0..N-1 in byte order of their ids, which the base keeps in /customers/name")
        ("date-column", po::value(&c.date_column)->default_value(c.date_column), "date or timestamp column: field number or header name")
        ("amount-column", po::value(&c.amount_column)->default_value(c.amount_column), "amount column: field number or header name, or none for a log without amounts (purchases valued 0: revenue, spend and CLV unknown)")
        ("channel-column", po::value(&c.channel_column), "channel column (optional): channel names of the default dictionary or kind names; without it every row is a purchase")
        ("channel-map", po::value(&o.channel_map), "CSV file mapping the channel column's source labels to channels: label,channel,kind per line (e.g. Zendesk Ticket,support_ticket, or Webinar,webinar,event: a new channel needs a kind); the built-in channel and kind names stay labels. Needs --channel-column")
        ("initiator-column", po::value(&c.initiator_column), "who initiated each row (optional): customer or company; stored in /interactions/initiator")
        ("interaction-id-column", po::value(&c.interaction_column), "an id of each row (optional), unique within its customer across all files; what --answers-column refers to")
        ("answers-column", po::value(&c.answers_column), "the interaction id (same customer) that the row answers, empty for none (optional; needs --interaction-id-column); stored in /interactions/answers")
        ("attributes", po::value(&o.attributes), "customer attribute file (optional): CSV with a header, one row per customer: its id and any of business_unit (or bu), region, relationship_manager (or rm), segment, wallet, acquisition_date (or acquired); names matched case-insensitively, spaces as _; other columns ignored. Fills the hierarchy (names sorted; a customer not in the file or with a blank field is in \"unknown\", for the rm \"unassigned\"), the wallets (>= 0, blank unknown) and the acquisition days (an earlier date than the first transaction replaces it; a later one is ignored). Its customers without transactions are kept, with no interactions, when they have an acquisition date. Bad rows count against --max-bad-rows on their own; a customer twice is an error")
        ("attributes-id-column", po::value(&o.attributes_csv.id_column), "customer id column of --attributes: field number or header name (default: --id-column); its ids are those of the logs (numbers or strings as --id-type decides)")
        ("attributes-column", po::value(&attribute_columns)->composing(), "ATTRIBUTE=NAME: the header name of an attribute column of --attributes, e.g. rm=Account Manager (repeat for each; ATTRIBUTE: business_unit, region, rm, segment, wallet, acquisition_date)")
        ("date-format", po::value(&date_format)->default_value(date_format), "order of the date: auto (YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD), YYYYMMDD, YYYY-MM-DD, DD/MM/YYYY (also DD.MM.YYYY, DD-MM-YYYY) or MM/DD/YYYY. Any of them may carry a time (T or a space, HH:MM[:SS[.fff]], AM/PM) and a zone (Z, +02:00, -0500): rows are dated by their UTC day; a time without a zone keeps its date")
        ("merge-same-day", po::bool_switch(&o.merge_same_day), "sum each customer's purchases of one day into one purchase (the CDNOW convention); rows of other channels are kept")
        ("epoch", po::value(&o.epoch), "day 0 of the times, YYYY-MM-DD, on or before the first transaction (default: January 1st of its year)")
        ("min-date", po::value(&min_date)->default_value(min_date), "earliest plausible transaction date, YYYY-MM-DD: rows dated before it are reported and skipped (a mistyped year)")
        ("max-date", po::value(&max_date)->default_value(max_date), "latest plausible transaction date, YYYY-MM-DD: rows dated after it are reported and skipped")
        ("max-bad-rows", po::value(&max_bad_rows)->default_value(max_bad_rows), "N or P%: the import fails (exit 3, nothing written) when more rows than this are bad; within it, bad rows are reported and skipped. 0: any bad row fails; 100%: skip every bad row")
        ("memory-per-rank", po::value(&memory)->default_value(memory), "memory a rank may hold, e.g. 512M, 1G, 4G: the rows are sorted in buckets that fit it, the rest waits in scratch files beside the output (the base does not change)")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress or summary (bad rows are still reported)");
    CompressionArgs compression;
    add_compression_options(d, compression, "the base's columns");
    const auto vm = parse(args, d, "import");
    if (vm.count("help")) return HelpRequest{help_of("import", d)};
    require(vm, "transactions", "import");
    require(vm, "output", "import");
    o.memory_per_rank = parse_memory("--memory-per-rank", memory);
    o.compression = io::h5::parse_compression(compression.name, compression.level);
    const auto sep = io::parse_separator(separator);
    if (!sep) throw ConfigError("--separator " + separator + ": expected auto, comma, semicolon, tab or whitespace");
    c.separator = *sep;
    const auto ids = io::parse_id_type(id_type);
    if (!ids) throw ConfigError("--id-type " + id_type + ": expected auto, number or string");
    c.id_type = *ids;
    const auto head = io::parse_header_mode(header);
    if (!head) throw ConfigError("--header " + header + ": expected auto, yes or no");
    c.header = *head;
    const auto format = io::parse_date_format(date_format);
    if (!format)
        throw ConfigError("--date-format " + date_format + ": expected auto, YYYYMMDD, YYYY-MM-DD, DD/MM/YYYY or "
                          "MM/DD/YYYY (the order of the date's parts; times and zones are read with any of them)");
    c.date_format = *format;
    io::check_columns(c);
    const auto lo = parse_iso_date(min_date), hi = parse_iso_date(max_date);
    if (!lo) throw ConfigError("--min-date " + min_date + ": expected a date YYYY-MM-DD");
    if (!hi) throw ConfigError("--max-date " + max_date + ": expected a date YYYY-MM-DD");
    if (*lo > *hi) throw ConfigError("--min-date " + min_date + " is after --max-date " + max_date);
    c.min_unix_day = *lo;
    c.max_unix_day = *hi;
    const auto limit = io::parse_bad_row_limit(max_bad_rows);
    if (!limit)
        throw ConfigError("--max-bad-rows " + max_bad_rows + ": expected a number of rows (0, 25) or a percentage "
                          "of the data rows from 0% to 100% (1%, 0.5%)");
    o.max_bad_rows = *limit;
    if (!o.epoch.empty() && !parse_iso_date(o.epoch)) throw ConfigError("--epoch " + o.epoch + ": expected a date YYYY-MM-DD");
    for (const auto& file : o.transactions) check_output_file("import", o.output, file);
    if (!o.channel_map.empty() && c.channel_column.empty())
        throw ConfigError("--channel-map " + o.channel_map + " maps the labels of a channel column, but there is "
                          "none; add --channel-column N|NAME");
    if (!o.channel_map.empty()) check_output_file("import", o.output, o.channel_map);
    if (!c.answers_column.empty() && c.interaction_column.empty())
        throw ConfigError("--answers-column " + c.answers_column + " refers to interaction ids, but there is no "
                          "id column; add --interaction-id-column N|NAME");
    if (o.attributes.empty() && (vm.count("attributes-id-column") || !attribute_columns.empty()))
        throw ConfigError(std::string(vm.count("attributes-id-column") ? "--attributes-id-column" : "--attributes-column") +
                          " describes an attribute file, but there is none; add --attributes FILE");
    if (!vm.count("attributes-id-column")) o.attributes_csv.id_column = c.id_column;
    for (const auto& spec : attribute_columns) {
        const auto [attribute, name] = io::parse_attribute_column(spec);
        o.attributes_csv.columns[std::size_t(attribute)] = name;
    }
    if (!o.attributes.empty()) check_output_file("import", o.output, o.attributes);
    return o;
}

}  // namespace

Command parse_command_line(int argc, const char* const* argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help")
        return HelpRequest{kUsage};
    if (args[0] == "--version") return HelpRequest{std::string("engage ") + kVersion + "\n"};
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "generate") return parse_generate(args);
    if (command == "score") return parse_score(args);
    if (command == "import") return parse_import(args);
    throw ConfigError("unknown command \"" + command + "\"; commands: generate, score, import (see engage --help)");
}

}  // namespace engage::cli

package runtime

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

// memoryLimit is the most resident memory a worker may use before the
// kernel side stops it: IGO_MEMORY_LIMIT ("4GiB", "512MB", "2G", bytes),
// by default 80 % of the machine's memory. 0 means no limit.
func memoryLimit() (int64, error) {
	if v := strings.TrimSpace(os.Getenv("IGO_MEMORY_LIMIT")); v != "" {
		if v == "0" || strings.EqualFold(v, "off") {
			return 0, nil
		}
		n, err := parseBytes(v)
		if err != nil {
			return 0, fmt.Errorf("IGO_MEMORY_LIMIT=%q: %v (write e.g. 4GiB, 512MB or off)", v, err)
		}
		return n, nil
	}
	if total := totalMemory(); total > 0 {
		return total / 10 * 8, nil
	}
	return 0, nil
}

// parseBytes reads sizes such as 512MB, 4GiB, 2G or 1048576.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("not a size")
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kb": 1e3, "kib": 1 << 10,
		"m": 1 << 20, "mb": 1e6, "mib": 1 << 20,
		"g": 1 << 30, "gb": 1e9, "gib": 1 << 30,
		"t": 1 << 40, "tb": 1e12, "tib": 1 << 40,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("unknown unit %q", unit)
	}
	return int64(f * mult), nil
}

// totalMemory reads MemTotal from /proc/meminfo (0 where unavailable).
func totalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// residentMemory reads a process's resident set size (0 where unavailable).
func residentMemory(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func humanBytes(n int64) string {
	const unit = 1 << 10
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// interrupted is set in the worker while the running cell has been asked
// to stop; compiled code that runs long (GoMLX training loops) polls it
// through CellInterrupted.
var interruptFlag atomic.Bool

// CellInterrupted reports whether the user asked the running cell to stop.
// Compiled helpers called from cells poll it to stop at a safe point.
func CellInterrupted() bool { return interruptFlag.Load() }

/* SPDX-License-Identifier: MIT */
/* DIR/hookbox of a bundle (hookbox install DIR): starts the agent with the
 * bundle's own dynamic loader and libraries, in an image whose loader and
 * libc are others, or none.
 *
 * It executes
 *   DIR/hookbox.d/lib/ld.so --library-path DIR/hookbox.d/lib --inhibit-cache
 *       --argv0 ARGV0 DIR/hookbox.d/lib/hookbox/hookbox ARGS...
 * with the environment as it came but for LD_PRELOAD and LD_AUDIT. The
 * library path is an argument of this one loader run, not
 * LD_LIBRARY_PATH: nothing of it reaches the command hookbox exec runs,
 * which the image's own loader starts with the image's libraries. The
 * image's ld.so.cache, made for its own libraries, is not read.
 *
 * LD_PRELOAD and LD_AUDIT name the image's libraries (Ruby and Python
 * images preload jemalloc), built for the image's libc: loaded into the
 * agent by the bundle's loader, they fail or, worse, run. The loader
 * would read them whatever its arguments, so they are handed over renamed
 * HOOKBOX_SAVED_LD_PRELOAD and HOOKBOX_SAVED_LD_AUDIT, and the agent gives
 * them back to the command under their own names (runner/bundle.c).
 *
 * A static program with no libc (the image may have none): its few system
 * calls are made here, so that the bundle carries a few kilobytes rather
 * than a static libc. x86_64 and aarch64. */

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "the launcher's system calls are written for x86_64 and aarch64"
#endif

#define AT_FDCWD_ (-100)

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_EXECVE 59
#define NR_EXIT_GROUP 231
#define NR_READLINKAT 267
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call launcher_main\n"
	"	hlt\n");

static long sys4(long nr, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}
#else
#define NR_WRITE 64
#define NR_EXECVE 221
#define NR_EXIT_GROUP 94
#define NR_READLINKAT 78
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x29, #0\n"
	"	mov x30, #0\n"
	"	mov x0, sp\n"
	"	bl launcher_main\n"
	"	brk #0\n");

static long sys4(long nr, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	return x0;
}
#endif

#define PATH_CAP 4096

/* Where the bundle's files are, under DIR. */
static const char loader_rel[] = "/hookbox.d/lib/ld.so";
static const char libdir_rel[] = "/hookbox.d/lib";
static const char agent_rel[] = "/hookbox.d/lib/hookbox/hookbox";

void launcher_main(long *sp) __attribute__((noreturn, used));

static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	(void)sys4(NR_WRITE, 2, (long)s, (long)len(s), 0);
}

__attribute__((noreturn)) static void die(const char *what, const char *path)
{
	say("hookbox: ");
	say(what);
	if (path) {
		say(" \"");
		say(path);
		say("\"");
	}
	say("\n");
	sys4(NR_EXIT_GROUP, 127, 0, 0, 0);
	for (;;)
		;
}

/* Whether s begins with prefix. */
static int starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

/* Whether the environment entry e is one the bundle's loader must not
 * see (see the head of this file). */
static int for_the_image(const char *e)
{
	return starts(e, "LD_PRELOAD=") || starts(e, "LD_AUDIT=");
}

static const char saved_prefix[] = "HOOKBOX_SAVED_";

/* dst = a + b, or death when it does not fit. */
static void join(char *dst, const char *a, unsigned long alen, const char *b)
{
	unsigned long blen = len(b), i;
	if (alen + blen + 1 > PATH_CAP)
		die("the bundle's path is too long", a);
	for (i = 0; i < alen; i++)
		dst[i] = a[i];
	for (i = 0; i <= blen; i++)
		dst[alen + i] = b[i];
}

void launcher_main(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char self[PATH_CAP], loader[PATH_CAP], libdir[PATH_CAP], agent[PATH_CAP];

	/* This file's own path names the bundle, wherever the volume is
	 * mounted. Without /proc, the path it was started by. */
	long n = sys4(NR_READLINKAT, AT_FDCWD_, (long)"/proc/self/exe", (long)self,
		      PATH_CAP - 1);
	if (n <= 0) {
		const char *a = argc > 0 ? argv[0] : "";
		n = (long)len(a);
		if (n == 0 || n >= PATH_CAP)
			die("cannot find the bundle: no /proc/self/exe, and no path in argv[0]",
			    0);
		for (long i = 0; i <= n; i++)
			self[i] = a[i];
	}
	self[n] = '\0';
	long dir = n;
	while (dir > 0 && self[dir - 1] != '/')
		dir--;
	if (dir == 0) {
		/* Started by a bare name from the current directory. */
		self[0] = '.';
		dir = 1;
	} else if (dir > 1) {
		dir--; /* the slash, unless DIR is / itself */
	}
	self[dir] = '\0';
	join(loader, self, (unsigned long)dir, loader_rel);
	join(libdir, self, (unsigned long)dir, libdir_rel);
	join(agent, self, (unsigned long)dir, agent_rel);

	/* A variable-length array: argc is bounded by what execve took. */
	char *args[argc + 8];
	int k = 0;
	args[k++] = loader;
	args[k++] = "--library-path";
	args[k++] = libdir;
	args[k++] = "--inhibit-cache";
	args[k++] = "--argv0";
	args[k++] = argc > 0 ? argv[0] : "hookbox";
	args[k++] = agent;
	for (int i = 1; i < argc; i++)
		args[k++] = argv[i];
	args[k] = 0;

	/* The environment, with what is for the image's loader renamed;
	 * the renamed entries are written into one array on the stack. */
	int n_env = 0;
	unsigned long saved_len = 0;
	for (; envp[n_env]; n_env++)
		if (for_the_image(envp[n_env]))
			saved_len += sizeof(saved_prefix) + len(envp[n_env]);
	char *env[n_env + 1];
	char saved[saved_len + 1];
	char *w = saved;
	for (int i = 0; i < n_env; i++) {
		env[i] = envp[i];
		if (!for_the_image(envp[i]))
			continue;
		env[i] = w;
		for (const char *c = saved_prefix; *c;)
			*w++ = *c++;
		for (const char *c = envp[i]; (*w++ = *c++);)
			;
	}
	env[n_env] = 0;
	sys4(NR_EXECVE, (long)loader, (long)args, (long)env, 0);
	die("cannot execute the bundle's loader", loader);
}

/* (n) Real drivers' zero-copy mmap: the buffers a V4L2 capture driver (videobuf2) and an ALSA
 * PCM driver fill, mapped into the process, with the rules their mmap handlers enforce.
 *
 * V4L2: the vivid test driver's capture node in streaming I/O with MMAP buffers, once per
 * videobuf2 allocator (suites media_vivid_vmalloc and media_vivid_dma_contig: vivid's
 * allocators=0 and =1, the latter reaching dma_mmap_coherent). vivid's test pattern generator
 * draws the ITU-R 75% colour bars, so a frame's bytes are known in advance.
 * ALSA: snd-aloop, whose playback substream's samples reach the capture substream of the
 * same cable; both are used with SNDRV_PCM_ACCESS_MMAP_INTERLEAVED through the raw ioctls of
 * <sound/asound.h> (suite media_alsa_aloop).
 * The modules are loaded by tools/vm in its guest (vivid n_devs=2 node_types=0x1,0x1
 * allocators=0,1; snd-aloop); elsewhere every test SKIPs saying which module is missing. */
#include "conform.h"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sound/asound.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Test bodies wait for a driver under TCG on a loaded 2-core host: generous, still bounded. */
#define MEDIA_TIMEOUT_S 90

/* ================================ V4L2: vivid ================================ */

enum vivid_alloc { VIVID_VMALLOC = 0, VIVID_DMA_CONTIG = 1 };
static const char *const alloc_name[] = { "vmalloc", "dma-contig" };

/* vivid's allocator for instance inst: /sys/module/vivid/parameters/allocators, a comma list
 * indexed by instance (missing entries are the default, vmalloc). */
static unsigned vivid_allocator(int inst)
{
	char buf[512] = "";
	FILE *f = fopen("/sys/module/vivid/parameters/allocators", "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	char *p = buf;
	for (int i = 0; i < inst && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return p && *p >= '0' && *p <= '9' ? (unsigned)strtoul(p, NULL, 10) : 0;
}

struct vivid {
	int fd;
	char path[32];
	struct v4l2_pix_format pix;
	bool osd_off; /* the on-screen text is switched off: every row holds the bars */
};

/* vivid's control "OSD Text Mode" (VIVID_CID_VIVID_BASE + 1), value 2 "None". */
#define VIVID_CID_OSD_TEXT_MODE (0x00f00000 | 0xf000 | 1)

/* Opens vivid's single-planar video capture node of the instance using allocator a, input 0
 * (webcam), 320x180 RGB24; SKIPs when there is none. */
static struct vivid vivid_open(enum vivid_alloc a)
{
	struct vivid v = { .fd = -1 };
	if (access("/sys/module/vivid", F_OK) != 0)
		cr_skip_test("the vivid module is not loaded (modprobe vivid n_devs=2 "
			     "node_types=0x1,0x1 allocators=0,1; tools/vm does in its guest)");
	for (int n = 0; n < 64 && v.fd < 0; n++) {
		snprintf(v.path, sizeof(v.path), "/dev/video%d", n);
		int fd = open(v.path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct v4l2_capability cap;
		int inst;
		memset(&cap, 0, sizeof(cap));
		if (ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 && !strcmp((char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) &&
		    (cap.device_caps & V4L2_CAP_STREAMING) &&
		    sscanf((char *)cap.bus_info, "platform:vivid-%d", &inst) == 1 &&
		    vivid_allocator(inst) == (unsigned)a)
			v.fd = fd;
		else
			close(fd);
	}
	if (v.fd >= 0 && flock(v.fd, LOCK_EX) != 0) /* one test at a time owns the queue */
		ms_broken("flock %s: %s", v.path, ms_errname(errno));
	if (v.fd < 0)
		cr_skip_test("no single-planar vivid capture node uses the %s allocator (load vivid "
			     "with allocators=0,1 and node_types=0x1,0x1 to have both)",
			     alloc_name[a]);
	int input = 0;
	xioctl(v.fd, VIDIOC_S_INPUT, &input);
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	fmt.fmt.pix.width = 320;
	fmt.fmt.pix.height = 180;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	xioctl(v.fd, VIDIOC_S_FMT, &fmt);
	v.pix = fmt.fmt.pix;
	if (v.pix.pixelformat != V4L2_PIX_FMT_RGB24 || v.pix.width < 8 || v.pix.height < 2 ||
	    v.pix.bytesperline < v.pix.width * 3)
		ms_broken("%s: VIDIOC_S_FMT RGB24 320x180 gave %.4s %ux%u, %u bytes per line",
			  v.path, (char *)&v.pix.pixelformat, v.pix.width, v.pix.height,
			  v.pix.bytesperline);
	struct v4l2_control osd = { .id = VIVID_CID_OSD_TEXT_MODE, .value = 2 };
	v.osd_off = ioctl(v.fd, VIDIOC_S_CTRL, &osd) == 0;
	return v;
}

/* REQBUFS of count MMAP capture buffers; returns the count granted (and the capabilities). */
static unsigned vivid_reqbufs(int fd, unsigned count, uint32_t *caps)
{
	struct v4l2_requestbuffers rb = {
		.count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP
	};
	xioctl(fd, VIDIOC_REQBUFS, &rb);
	if (caps)
		*caps = rb.capabilities;
	return rb.count;
}

static struct v4l2_buffer vivid_querybuf(int fd, unsigned index)
{
	struct v4l2_buffer b = {
		.index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP
	};
	xioctl(fd, VIDIOC_QUERYBUF, &b);
	return b;
}

/* The ITU-R 75% colour bars, left to right: white, yellow, cyan, green, magenta, red, blue,
 * black; which of R, G, B is lit in each (v4l2-tpg: bar x * 8 / width). */
static const char *const bar_name[8] = { "white", "yellow", "cyan", "green",
					  "magenta", "red", "blue", "black" };
static bool bar_lit(int bar, int channel)
{
	static const unsigned char lit[8] = { 7, 3, 6, 2, 5, 1, 4, 0 }; /* bit 0 R, 1 G, 2 B */
	return lit[bar] >> channel & 1;
}

/* Checks that rows [y0, height) of an RGB24 frame are the 75% colour bars: each bar's pixels
 * (two pixels kept clear of each edge) equal, lit channels at one level, dark channels at
 * another, 75% of full scale apart at least (191 and 0 in full-range RGB). Returns NULL, or
 * what differs (static buffer). */
static const char *bars_mismatch(const unsigned char *frame, const struct v4l2_pix_format *pix,
				 unsigned y0, bool full_range)
{
	static char msg[256];
	const unsigned w = pix->width;
	const unsigned char *row0 = frame + (size_t)y0 * pix->bytesperline;
	unsigned lit = row0[(w / 16) * 3], dark = row0[(w - w / 16) * 3]; /* white R, black R */
	if (lit < dark + 128 || (full_range && (lit != 191 || dark != 0))) {
		snprintf(msg, sizeof(msg),
			 "row %u: white bar's red is %u and black bar's red %u; expected 75%% "
			 "colour bars (191 and 0 in full-range RGB)", y0, lit, dark);
		return msg;
	}
	for (unsigned y = y0; y < pix->height; y++) {
		const unsigned char *row = frame + (size_t)y * pix->bytesperline;
		for (int bar = 0; bar < 8; bar++) {
			unsigned x0 = (unsigned)bar * w / 8 + 2, x1 = (unsigned)(bar + 1) * w / 8 - 2;
			for (unsigned x = x0; x < x1; x++)
				for (int c = 0; c < 3; c++) {
					unsigned want = bar_lit(bar, c) ? lit : dark;
					if (row[x * 3 + c] == want)
						continue;
					snprintf(msg, sizeof(msg),
						 "pixel (%u, %u) in the %s bar: %s is %u, expected %u "
						 "(pixel bytes %02x %02x %02x)", x, y, bar_name[bar],
						 c == 0 ? "red" : c == 1 ? "green" : "blue",
						 row[x * 3 + c], want, row[x * 3], row[x * 3 + 1],
						 row[x * 3 + 2]);
					return msg;
				}
		}
	}
	return NULL;
}

#define POISON 0xa5

/* Waits up to timeout_s for a filled buffer and dequeues it; false on timeout. */
static bool vivid_dqbuf(int fd, struct v4l2_buffer *b, double timeout_s)
{
	double end = ms_now_s() + timeout_s;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left = (int)((end - ms_now_s()) * 1000);
		if (left <= 0)
			return false;
		int r = poll(&pfd, 1, left);
		if (r < 0 && errno != EINTR)
			ms_broken("poll %s: %s", "video node", ms_errname(errno));
		if (r <= 0)
			continue;
		memset(b, 0, sizeof(*b));
		b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b->memory = V4L2_MEMORY_MMAP;
		if (ioctl(fd, VIDIOC_DQBUF, b) == 0)
			return true;
		if (errno != EAGAIN && errno != EINTR)
			ms_broken("VIDIOC_DQBUF: %s", ms_errname(errno));
	}
}

#define VIVID_BUFS 4
#define VIVID_FRAMES 8

/* Assert that frames streamed into MMAP buffers land in the process's mappings of them: each
 * buffer is poisoned through its mapping before QBUF, and after DQBUF the same mapping holds
 * vivid's colour bars in every row, bytesused = sizeimage, sequence numbers increasing. */
static void stream_into_mapped_buffers(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	unsigned n = vivid_reqbufs(v.fd, VIVID_BUFS, NULL);
	if (n < 2 || n > 32)
		ms_broken("VIDIOC_REQBUFS %u MMAP buffers granted %u", VIVID_BUFS, n);
	unsigned char *map[32];
	size_t len[32];
	for (unsigned i = 0; i < n; i++) {
		struct v4l2_buffer b = vivid_querybuf(v.fd, i);
		cr_assert(b.length >= v.pix.sizeimage,
			  "%s, buffer %u: QUERYBUF length %u is smaller than sizeimage %u",
			  alloc_name[a], i, b.length, v.pix.sizeimage);
		len[i] = b.length;
		map[i] = mmap(NULL, len[i], PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, b.m.offset);
		cr_assert(map[i] != MAP_FAILED,
			  "%s, buffer %u: mmap of QUERYBUF's offset 0x%x, length %u: %s",
			  alloc_name[a], i, b.m.offset, b.length, ms_errname(errno));
		memset(map[i], POISON, len[i]);
		xioctl(v.fd, VIDIOC_QBUF, &b);
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	xioctl(v.fd, VIDIOC_STREAMON, &type);
	bool full = v.pix.quantization == V4L2_QUANTIZATION_FULL_RANGE ||
		    v.pix.quantization == V4L2_QUANTIZATION_DEFAULT;
	unsigned y0 = v.osd_off ? 0 : v.pix.height / 2; /* the text sits in the top rows */
	long last_seq = -1;
	for (int f = 0; f < VIVID_FRAMES; f++) {
		struct v4l2_buffer b;
		cr_assert(vivid_dqbuf(v.fd, &b, 20), "%s: frame %d did not arrive within 20 s",
			  alloc_name[a], f);
		cr_assert(b.index < n, "DQBUF returned buffer %u of %u", b.index, n);
		cr_assert(!(b.flags & V4L2_BUF_FLAG_ERROR), "%s: frame %d flagged V4L2_BUF_FLAG_ERROR",
			  alloc_name[a], f);
		cr_assert(b.bytesused == v.pix.sizeimage, "%s: frame %d: bytesused %u, sizeimage %u",
			  alloc_name[a], f, b.bytesused, v.pix.sizeimage);
		cr_assert((long)b.sequence > last_seq, "%s: frame %d: sequence %u after %ld",
			  alloc_name[a], f, b.sequence, last_seq);
		last_seq = b.sequence;
		const char *bad = bars_mismatch(map[b.index], &v.pix, y0, full);
		cr_assert(!bad, "%s: frame %d (sequence %u) read through the mapping of buffer %u: %s"
			  "%s", alloc_name[a], f, b.sequence, b.index, bad,
			  map[b.index][(size_t)y0 * v.pix.bytesperline] == POISON ?
			  " (the poison written before QBUF is still there: the driver filled "
			  "other memory)" : "");
		memset(map[b.index], POISON, len[b.index]);
		xioctl(v.fd, VIDIOC_QBUF, &b);
	}
	xioctl(v.fd, VIDIOC_STREAMOFF, &type);
	for (unsigned i = 0; i < n; i++)
		xmunmap(map[i], len[i]);
	vivid_reqbufs(v.fd, 0, NULL);
	xclose(v.fd);
}

/* Assert that videobuf2 refuses a mapping without MAP_SHARED with EINVAL (vb2_mmap: VM_SHARED
 * needed), also for an offset QUERYBUF returned. */
static void private_mapping_refused(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	vivid_reqbufs(v.fd, 2, NULL);
	struct v4l2_buffer b = vivid_querybuf(v.fd, 0);
	ms_assert_errno(mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_PRIVATE, v.fd, b.m.offset),
			EINVAL);
	ms_assert_errno(mmap(NULL, b.length, PROT_READ, MAP_PRIVATE, v.fd, b.m.offset), EINVAL);
	xclose(v.fd);
}

/* Assert that an mmap offset is a cookie: only an offset QUERYBUF returned maps (a page inside
 * a buffer, or past the last one, is EINVAL), the length may not pass the buffer's end, and a
 * capture buffer needs PROT_READ; each refused with EINVAL. */
static void offsets_are_cookies(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	unsigned n = vivid_reqbufs(v.fd, 2, NULL);
	const size_t pg = ms_page();
	struct v4l2_buffer b0 = vivid_querybuf(v.fd, 0), bl = vivid_querybuf(v.fd, n - 1);
	size_t len = b0.length, alen = (len + pg - 1) / pg * pg;
	off_t past = (off_t)bl.m.offset + (off_t)((bl.length + pg - 1) / pg * pg);
	const struct {
		off_t off;
		size_t len;
		int prot;
		const char *why;
	} tcases[] = {
		{ (off_t)b0.m.offset + (off_t)pg, pg, PROT_READ, "a page inside buffer 0" },
		{ past, pg, PROT_READ, "the page after the last buffer" },
		{ (off_t)b0.m.offset, alen + pg, PROT_READ, "one page more than buffer 0" },
		{ (off_t)b0.m.offset, len, PROT_WRITE, "a capture buffer without PROT_READ" },
	};
	for (size_t i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		errno = 0;
		void *p = mmap(NULL, tcases[i].len, tcases[i].prot, MAP_SHARED, v.fd, tcases[i].off);
		int e = errno;
		cr_assert(p == MAP_FAILED && e == EINVAL,
			  "%s: mmap of %s (offset 0x%llx, %zu bytes): expected EINVAL, got %s",
			  alloc_name[a], tcases[i].why, (unsigned long long)tcases[i].off,
			  tcases[i].len, p == MAP_FAILED ? ms_errname(e) : "a mapping");
	}
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, v.fd, b0.m.offset);
	cr_assert(p != MAP_FAILED, "%s: mmap of buffer 0 at QUERYBUF's offset 0x%x: %s",
		  alloc_name[a], b0.m.offset, ms_errname(errno));
	xmunmap(p, len);
	xclose(v.fd);
}

/* Assert that a buffer's mapping holds its memory: QUERYBUF flags it V4L2_BUF_FLAG_MAPPED
 * while mapped and not after munmap; REQBUFS(0) with a live mapping either orphans the buffers
 * (V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS: the mapping keeps the frame's bytes) or fails EBUSY. */
static void mapping_keeps_buffer(enum vivid_alloc a)
{
	struct vivid v = vivid_open(a);
	uint32_t caps;
	unsigned n = vivid_reqbufs(v.fd, 2, &caps);
	struct v4l2_buffer b = vivid_querybuf(v.fd, 0);
	cr_assert(!(b.flags & V4L2_BUF_FLAG_MAPPED), "%s: buffer 0 flagged MAPPED before mmap",
		  alloc_name[a]);
	unsigned char *p = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd,
				b.m.offset);
	cr_assert(p != MAP_FAILED, "%s: mmap buffer 0: %s", alloc_name[a], ms_errname(errno));
	b = vivid_querybuf(v.fd, 0);
	cr_assert(b.flags & V4L2_BUF_FLAG_MAPPED, "%s: buffer 0 not flagged MAPPED while mapped "
		  "(flags 0x%x)", alloc_name[a], b.flags);
	xmunmap(p, b.length);
	b = vivid_querybuf(v.fd, 0);
	cr_assert(!(b.flags & V4L2_BUF_FLAG_MAPPED), "%s: buffer 0 still flagged MAPPED after "
		  "munmap (flags 0x%x)", alloc_name[a], b.flags);

	/* fill buffer 0 with a frame, keep it mapped, free the queue */
	p = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, b.m.offset);
	cr_assert(p != MAP_FAILED, "%s: mmap buffer 0: %s", alloc_name[a], ms_errname(errno));
	memset(p, POISON, b.length);
	for (unsigned i = 0; i < n; i++) {
		struct v4l2_buffer q = vivid_querybuf(v.fd, i);
		xioctl(v.fd, VIDIOC_QBUF, &q);
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	xioctl(v.fd, VIDIOC_STREAMON, &type);
	for (;;) {
		struct v4l2_buffer d;
		cr_assert(vivid_dqbuf(v.fd, &d, 20), "%s: no frame within 20 s", alloc_name[a]);
		if (d.index == 0)
			break;
		xioctl(v.fd, VIDIOC_QBUF, &d);
	}
	xioctl(v.fd, VIDIOC_STREAMOFF, &type);
	bool full = v.pix.quantization == V4L2_QUANTIZATION_FULL_RANGE ||
		    v.pix.quantization == V4L2_QUANTIZATION_DEFAULT;
	unsigned y0 = v.osd_off ? 0 : v.pix.height / 2;
	const char *bad = bars_mismatch(p, &v.pix, y0, full);
	cr_assert(!bad, "%s: the frame in buffer 0 before REQBUFS(0): %s", alloc_name[a], bad);
	struct v4l2_requestbuffers rb = {
		.count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP
	};
	errno = 0;
	int r = ioctl(v.fd, VIDIOC_REQBUFS, &rb);
	int e = errno;
	if (caps & V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS) {
		cr_assert(r == 0, "%s: REQBUFS(0) with buffer 0 mapped: %s, although REQBUFS "
			  "reported V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS", alloc_name[a],
			  ms_errname(e));
		bad = bars_mismatch(p, &v.pix, y0, full);
		cr_assert(!bad, "%s: the orphaned buffer's mapping after REQBUFS(0): %s",
			  alloc_name[a], bad);
	} else {
		cr_assert(r == -1 && e == EBUSY, "%s: REQBUFS(0) with buffer 0 mapped: expected "
			  "EBUSY (no V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS), got %s", alloc_name[a],
			  r == 0 ? "success" : ms_errname(e));
	}
	xmunmap(p, b.length);
	xclose(v.fd);
}

#define VIVID_TEST_EACH_ALLOCATOR(name, ids, fn)                                            \
	CONFORM(media_vivid_vmalloc, name, ids, LINUX, .timeout = MEDIA_TIMEOUT_S)          \
	{ fn(VIVID_VMALLOC); }                                                              \
	CONFORM(media_vivid_dma_contig, name, ids, LINUX, .timeout = MEDIA_TIMEOUT_S)       \
	{ fn(VIVID_DMA_CONTIG); }

/* ---- n1: frames land in the mapped buffers ---- */
VIVID_TEST_EACH_ALLOCATOR(stream_frames_land_in_mapped_buffers, "n1", stream_into_mapped_buffers)

/* ---- n2: videobuf2's mmap rules ---- */
VIVID_TEST_EACH_ALLOCATOR(map_private_fails_einval, "n2", private_mapping_refused)
VIVID_TEST_EACH_ALLOCATOR(offset_not_from_querybuf_fails_einval, "n2", offsets_are_cookies)
VIVID_TEST_EACH_ALLOCATOR(mapping_holds_buffer_past_reqbufs_0, "n2", mapping_keeps_buffer)

/* ================================ ALSA: snd-aloop ================================ */

/* The card number of snd-aloop's card ("Loopback"), or SKIP. The calling test then owns the
 * card (an flock of its control device, held until the test process ends), so that its
 * playback and capture opens get the same free subdevice: the two ends of one cable. */
static int aloop_card(void)
{
	for (int c = 0; c < 32; c++) {
		char path[64], id[64] = "";
		snprintf(path, sizeof(path), "/proc/asound/card%d/id", c);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(id, sizeof(id), f))
			id[0] = 0;
		fclose(f);
		if (strncmp(id, "Loopback", 8))
			continue;
		snprintf(path, sizeof(path), "/dev/snd/controlC%d", c);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX) != 0)
			ms_broken("open and flock %s: %s", path, ms_errname(errno));
		return c;
	}
	cr_skip_test("no snd-aloop card (%s): modprobe snd-aloop (tools/vm does in its guest)",
		     access("/proc/asound", F_OK) == 0 ? "no card with id Loopback" :
		     "no /proc/asound: no ALSA here");
	return -1;
}

/* Opens the PCM of card: device dev, playback or capture, any free subdevice; declares this
 * program speaks the current protocol (so the status/control mmaps are not refused for an
 * old alsa-lib). */
static int pcm_open(int card, int dev, bool capture)
{
	char path[64];
	snprintf(path, sizeof(path), "/dev/snd/pcmC%dD%d%c", card, dev, capture ? 'c' : 'p');
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		ms_broken("open %s: %s", path, ms_errname(errno));
	int pversion = SNDRV_PCM_VERSION;
	xioctl(fd, SNDRV_PCM_IOCTL_USER_PVERSION, &pversion);
	return fd;
}

static unsigned pcm_subdevice(int fd)
{
	struct snd_pcm_info info;
	memset(&info, 0, sizeof(info));
	xioctl(fd, SNDRV_PCM_IOCTL_INFO, &info);
	return info.subdevice;
}

static struct snd_mask *hw_mask(struct snd_pcm_hw_params *p, int param)
{
	return &p->masks[param - SNDRV_PCM_HW_PARAM_FIRST_MASK];
}

static struct snd_interval *hw_interval(struct snd_pcm_hw_params *p, int param)
{
	return &p->intervals[param - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
}

static void hw_mask_only(struct snd_pcm_hw_params *p, int param, unsigned bit)
{
	struct snd_mask *m = hw_mask(p, param);
	memset(m, 0, sizeof(*m));
	m->bits[bit / 32] = 1u << (bit % 32);
}

static void hw_interval_only(struct snd_pcm_hw_params *p, int param, unsigned v)
{
	struct snd_interval *i = hw_interval(p, param);
	i->min = i->max = v;
	i->integer = 1;
}

#define PCM_RATE 48000
#define PCM_CHANNELS 2
#define PCM_FRAME_BYTES (PCM_CHANNELS * 2) /* S16_LE */
#define PCM_PERIOD 1024
#define PCM_BUFFER 16384         /* frames: the samples played, 341 ms at 48 kHz */
#define PCM_CAPTURE_BUFFER 65536 /* 1.4 s: room for a reader stalled under TCG */

/* HW_PARAMS: access, S16_LE, 2 channels, 48 kHz, the period size above, a buffer of frames;
 * the kernel refines and chooses the rest. Returns the buffer size in frames. */
static unsigned pcm_hw_params(int fd, snd_pcm_access_t access, unsigned frames)
{
	struct snd_pcm_hw_params p;
	memset(&p, 0, sizeof(p));
	for (int m = SNDRV_PCM_HW_PARAM_FIRST_MASK; m <= SNDRV_PCM_HW_PARAM_LAST_MASK; m++)
		memset(hw_mask(&p, m), 0xff, sizeof(struct snd_mask));
	for (int i = SNDRV_PCM_HW_PARAM_FIRST_INTERVAL; i <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL; i++)
		hw_interval(&p, i)->max = ~0u;
	p.rmask = ~0u;
	hw_mask_only(&p, SNDRV_PCM_HW_PARAM_ACCESS, (unsigned)access);
	hw_mask_only(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	hw_mask_only(&p, SNDRV_PCM_HW_PARAM_SUBFORMAT, SNDRV_PCM_SUBFORMAT_STD);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_CHANNELS, PCM_CHANNELS);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_RATE, PCM_RATE);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, PCM_PERIOD);
	hw_interval_only(&p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE, frames);
	xioctl(fd, SNDRV_PCM_IOCTL_HW_PARAMS, &p);
	unsigned got = hw_interval(&p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE)->min;
	if (got != frames)
		ms_broken("HW_PARAMS: buffer of %u frames, asked %u", got, frames);
	return got;
}

/* The status page (read-only) and control page of a PCM; SKIP where the kernel refuses them
 * (ENXIO: an architecture without coherent status mmap, or a driver needing explicit sync). */
static void pcm_map_status_control(int fd, volatile struct snd_pcm_mmap_status **st,
				   volatile struct snd_pcm_mmap_control **ctl)
{
	const size_t pg = ms_page();
	void *s = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, SNDRV_PCM_MMAP_OFFSET_STATUS);
	if (s == MAP_FAILED && errno == ENXIO)
		cr_skip_test("the PCM status page cannot be mapped here (ENXIO: the kernel maps it "
			     "only on x86, powerpc and alpha, and not for explicit-sync drivers)");
	cr_assert(s != MAP_FAILED, "mmap of the status page (SNDRV_PCM_MMAP_OFFSET_STATUS): %s",
		  ms_errname(errno));
	void *c = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       SNDRV_PCM_MMAP_OFFSET_CONTROL);
	cr_assert(c != MAP_FAILED, "mmap of the control page (SNDRV_PCM_MMAP_OFFSET_CONTROL): %s",
		  ms_errname(errno));
	*st = s;
	*ctl = c;
}

static const char *pcm_state_name(snd_pcm_state_t s)
{
	static const char *const names[] = { "OPEN", "SETUP", "PREPARED", "RUNNING", "XRUN",
					     "DRAINING", "PAUSED", "SUSPENDED", "DISCONNECTED" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* The sample of frame f, channel ch: never zero (zero is aloop's silence), unique per frame. */
static int16_t sample_of(unsigned f, int ch)
{
	return (int16_t)(ch == 0 ? 0x1000 + (int)f : -0x1000 - (int)f);
}

/* ---- n3: samples through the playback mapping reach the capture mapping ---- */

/* Assert that samples stored through the playback substream's mmap'd buffer (MMAP_INTERLEAVED,
 * appl_ptr advanced through the mapped control page) arrive unchanged in the capture
 * substream's mmap'd buffer, read as the mapped status page's hw_ptr moves; the status page
 * shows PREPARED and RUNNING as the ioctls change the state. */
CONFORM(media_alsa_aloop, pcm_mmap_samples_loop_back, "n3", LINUX, .timeout = MEDIA_TIMEOUT_S)
{
	int card = aloop_card();
	int play = pcm_open(card, 0, false), capt = pcm_open(card, 1, true);
	if (pcm_subdevice(play) != pcm_subdevice(capt))
		ms_broken("playback subdevice %u and capture subdevice %u are not one cable",
			  pcm_subdevice(play), pcm_subdevice(capt));
	unsigned frames = pcm_hw_params(play, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED, PCM_BUFFER);
	unsigned cframes = pcm_hw_params(capt, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED,
					 PCM_CAPTURE_BUFFER);
	const size_t bytes = (size_t)frames * PCM_FRAME_BYTES;
	const size_t cbytes = (size_t)cframes * PCM_FRAME_BYTES;
	volatile struct snd_pcm_mmap_status *pst, *cst;
	volatile struct snd_pcm_mmap_control *pctl, *cctl;
	pcm_map_status_control(play, &pst, &pctl);
	pcm_map_status_control(capt, &cst, &cctl);
	int16_t *pbuf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, play,
			     SNDRV_PCM_MMAP_OFFSET_DATA);
	cr_assert(pbuf != MAP_FAILED, "mmap of the playback buffer (%zu bytes): %s", bytes,
		  ms_errname(errno));
	const int16_t *cbuf = mmap(NULL, cbytes, PROT_READ, MAP_SHARED, capt,
				   SNDRV_PCM_MMAP_OFFSET_DATA);
	cr_assert(cbuf != MAP_FAILED, "mmap of the capture buffer (%zu bytes): %s", cbytes,
		  ms_errname(errno));

	xioctl(play, SNDRV_PCM_IOCTL_PREPARE, NULL);
	xioctl(capt, SNDRV_PCM_IOCTL_PREPARE, NULL);
	cr_assert(pst->state == SNDRV_PCM_STATE_PREPARED && cst->state == SNDRV_PCM_STATE_PREPARED,
		  "after PREPARE the status pages show playback %s, capture %s",
		  pcm_state_name(pst->state), pcm_state_name(cst->state));
	for (unsigned f = 0; f < frames; f++)
		for (int ch = 0; ch < PCM_CHANNELS; ch++)
			pbuf[f * PCM_CHANNELS + ch] = sample_of(f, ch);
	pctl->appl_ptr = frames; /* the whole buffer is ready to play */

	/* capture first: it records silence until playback starts, then the samples */
	xioctl(capt, SNDRV_PCM_IOCTL_START, NULL);
	xioctl(play, SNDRV_PCM_IOCTL_START, NULL);
	cr_assert(pst->state == SNDRV_PCM_STATE_RUNNING, "after START the playback status page "
		  "shows %s", pcm_state_name(pst->state));

	const size_t cap_max = (size_t)frames * 4;
	int16_t *got = calloc(cap_max, PCM_FRAME_BYTES);
	if (!got)
		ms_broken("calloc");
	size_t have = 0, start = SIZE_MAX;
	snd_pcm_uframes_t appl = cctl->appl_ptr;
	double end = ms_now_s() + 30;
	while (have < cap_max && ms_now_s() < end) {
		snd_pcm_uframes_t hw = cst->hw_ptr;
		cr_assert(cst->state == SNDRV_PCM_STATE_RUNNING,
			  "capture status page shows %s after %zu frames (hw_ptr %lu, appl_ptr "
			  "%lu)", pcm_state_name(cst->state), have, (unsigned long)hw,
			  (unsigned long)appl);
		for (; appl < hw && have < cap_max; appl++, have++)
			memcpy(&got[have * PCM_CHANNELS],
			       &cbuf[(appl % cframes) * PCM_CHANNELS], PCM_FRAME_BYTES);
		cctl->appl_ptr = appl; /* frees the space for the driver */
		if (start == SIZE_MAX)
			for (size_t f = 0; f < have; f++)
				if (got[f * PCM_CHANNELS] || got[f * PCM_CHANNELS + 1]) {
					start = f;
					break;
				}
		if (start != SIZE_MAX && have >= start + frames)
			break;
		usleep(2000);
	}
	xioctl(play, SNDRV_PCM_IOCTL_DROP, NULL);
	xioctl(capt, SNDRV_PCM_IOCTL_DROP, NULL);
	cr_assert(start != SIZE_MAX, "the capture side recorded %zu frames, all silence: no "
		  "sample from the playback mapping arrived", have);
	cr_assert(have >= start + frames, "%zu frames recorded, the samples began at frame %zu; "
		  "%u expected within 30 s", have, start, frames);
	for (unsigned f = 0; f < frames; f++)
		for (int ch = 0; ch < PCM_CHANNELS; ch++) {
			int16_t s = got[(start + f) * PCM_CHANNELS + ch];
			cr_assert(s == sample_of(f, ch),
				  "captured frame %u channel %d (recorded frame %zu) is %d, "
				  "expected %d as stored through the playback mapping",
				  f, ch, start + f, s, sample_of(f, ch));
		}
	free(got);
	xmunmap((void *)cbuf, cbytes);
	xmunmap(pbuf, bytes);
	xclose(capt);
	xclose(play);
}

/* ---- n4: the PCM mmap rules ---- */

/* Assert that the data area cannot be mapped before HW_PARAMS (EBADFD: the substream is
 * still OPEN), nor with a read/write access chosen (EINVAL). */
CONFORM(media_alsa_aloop, data_mmap_needs_mmap_access, "n4", LINUX)
{
	int card = aloop_card();
	int fd = pcm_open(card, 0, false);
	const size_t pg = ms_page();
	ms_assert_errno(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			     SNDRV_PCM_MMAP_OFFSET_DATA), EBADFD);
	pcm_hw_params(fd, SNDRV_PCM_ACCESS_RW_INTERLEAVED, PCM_BUFFER);
	ms_assert_errno(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			     SNDRV_PCM_MMAP_OFFSET_DATA), EINVAL);
	xclose(fd);
}

/* Assert that the data area mapping stays inside the buffer: more bytes than the buffer, or
 * an offset that puts the end past it, is EINVAL; the whole buffer maps. */
CONFORM(media_alsa_aloop, data_mmap_past_buffer_fails_einval, "n4", LINUX)
{
	int card = aloop_card();
	int fd = pcm_open(card, 0, false);
	const size_t pg = ms_page();
	size_t bytes = (size_t)pcm_hw_params(fd, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED, PCM_BUFFER) *
		       PCM_FRAME_BYTES;
	size_t abytes = (bytes + pg - 1) / pg * pg;
	const struct {
		size_t len;
		off_t off;
		const char *why;
	} tcases[] = {
		{ abytes + pg, 0, "one page more than the buffer" },
		{ abytes, (off_t)pg, "the whole buffer's length from its second page" },
		{ pg, (off_t)abytes, "the page after the buffer" },
	};
	for (size_t i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		errno = 0;
		void *p = mmap(NULL, tcases[i].len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			       tcases[i].off);
		int e = errno;
		cr_assert(p == MAP_FAILED && e == EINVAL,
			  "mmap of %s (offset %lld, %zu bytes, buffer %zu bytes): expected EINVAL, "
			  "got %s", tcases[i].why, (long long)tcases[i].off, tcases[i].len, bytes,
			  p == MAP_FAILED ? ms_errname(e) : "a mapping");
	}
	void *p = mmap(NULL, abytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert(p != MAP_FAILED, "mmap of the whole buffer (%zu bytes): %s", abytes,
		  ms_errname(errno));
	xmunmap(p, abytes);
	xclose(fd);
}

/* Assert that the status page is read-only whatever mmap asked: a PROT_WRITE mapping is made
 * without write permission (a store faults SEGV_ACCERR, mprotect(PROT_WRITE) is EACCES), and
 * a mapping of another size than one page is EINVAL. */
CONFORM(media_alsa_aloop, status_page_is_read_only, "n4", LINUX)
{
	int card = aloop_card();
	int fd = pcm_open(card, 0, false);
	const size_t pg = ms_page();
	pcm_hw_params(fd, SNDRV_PCM_ACCESS_MMAP_INTERLEAVED, PCM_BUFFER);
	volatile unsigned char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
					 SNDRV_PCM_MMAP_OFFSET_STATUS);
	if (s == MAP_FAILED && errno == ENXIO)
		cr_skip_test("the PCM status page cannot be mapped here (ENXIO: the kernel maps it "
			     "only on x86, powerpc and alpha, and not for explicit-sync drivers)");
	cr_assert(s != MAP_FAILED, "mmap of the status page PROT_READ|PROT_WRITE: %s",
		  ms_errname(errno));
	const volatile struct snd_pcm_mmap_status *st = (const volatile void *)s;
	cr_assert(st->state == SNDRV_PCM_STATE_SETUP, "the status page shows %s after HW_PARAMS, "
		  "expected SETUP", pcm_state_name(st->state));
	struct ms_fault f;
	cr_assert(ms_probe_write(s, 0x55, &f) && f.signo == SIGSEGV && f.code == SEGV_ACCERR,
		  "a store to the status page %s\n%s", f.faulted ? ms_sicode_name(f.signo, f.code) :
		  "did not fault", ms_maps_near((const void *)s, pg));
	ms_assert_errno(mprotect((void *)s, pg, PROT_READ | PROT_WRITE), EACCES);
	xmunmap((void *)s, pg);
	ms_assert_errno(mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, SNDRV_PCM_MMAP_OFFSET_STATUS),
			EINVAL);
	xclose(fd);
}

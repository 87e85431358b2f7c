#!/usr/bin/env node
// Opens the built harness page (Windmill's own RunForm for one flow) in
// headless Chromium, fills the form as a person would, clicks Run and prints
// what Run handed to runAction, which is what the flow's page would post:
//
//   {"submitted": {...} | null, "run_enabled": bool, "errors": [...], "labels": [...]}
//
// node drive.mjs --schema-from f/nix/build/flow.yaml --scenario defaults
//   --schema-from FILE  a flow (YAML or JSON) whose `schema` is the form's
//   --schema FILE       a JSON schema alone
//   --scenario NAME     one of SCENARIOS below (default: defaults)
//   --fill PATH=VALUE   after the scenario, enter VALUE (JSON, else a string)
//                       into the field at key path PATH; may be repeated
//   --screenshot PATH   also write a full-page PNG of the untouched form
//   --dist DIR          the built page (default: $FORM_DIST or ./dist)
//   --chromium PATH     the browser (default: $CHROMIUM or /usr/bin/chromium)
//   --verbose           copy the page's console to stderr
//
// Fields are found by their schema keys: the page shows each field's title
// (or key), so the driver reads the title from the schema it was given and
// looks for that label inside the parent field. Editing a title in flow.yaml
// therefore needs no change here; renaming a key does.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import puppeteer from 'puppeteer-core'
import YAML from 'yaml'

const here = fileURLToPath(new URL('.', import.meta.url))

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHarnessKeyOnly alice@host'

// Shared directories and block devices have been a map by mount point and a
// list of entries with a mount_point: give whichever the schema asks for.
const byMountPoint = (entries) => (prop) =>
	prop.type === 'array'
		? entries
		: Object.fromEntries(entries.map(({ mount_point, ...spec }) => [mount_point, spec]))

// A scenario is a list of steps [action, key path, value]; "fill" enters a
// value the way the field's schema says it is entered (typing, toggling,
// picking from a list, "Add item", pasting JSON), and skips with a note on
// stderr the keys the schema no longer has; "set" does the same for a field
// that must be there.
const SCENARIOS = {
	defaults: [],
	// Every kind of field once: text, number, toggle, a list of strings, a
	// multi-select, a list of objects, a single choice, a field shown by
	// showExpr, and a JSON editor where the schema has a free-form object.
	edited: [
		[
			'fill',
			'',
			{
				guest: {
					vm_name: 'builder-1',
					user_name: 'alice',
					ssh_keys: [KEY],
					shares: byMountPoint([{ mount_point: '/mnt/linux', tag: 'linux', options: ['ro'] }]),
					home: true,
					home_dir: '/home/alice',
					extra_groups: ['kvm'],
					storage: byMountPoint([{ mount_point: '/mnt/scratch', device: '/dev/vdb', fs_type: 'xfs' }])
				},
				closure: {
					profiles: ['build-tools', 'devel', 'controller'],
					overrides: [{ pkg: 'xfsprogs', src: '/srv/src/xfsprogs' }],
					extra_packages: ['strace']
				},
				lock: { update_lock: true, nixpkgs: 'path:/srv/nixpkgs' },
				build: { dry_run: true, builders: 'ssh://builder x86_64-linux - 8', max_jobs: 4 }
			}
		]
	],
	'blank-item': [
		['addItem', 'guest.ssh_keys'],
		['addItem', 'closure.overrides']
	],
	'broken-json': [['rawJson', 'guest.shares', '{"/mnt/linux": ']],
	'bad-vm-name': [['set', 'guest.vm_name', 'bad name!']]
}

const MIME = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.woff2': 'font/woff2',
	'.ttf': 'font/ttf'
}

function fail(message) {
	process.stderr.write(`drive: ${message}\n`)
	process.exit(2)
}

async function loadFlow({ schema, 'schema-from': from }) {
	if (!schema === !from) fail('give one of --schema FILE or --schema-from FLOW')
	if (schema) return { schema: JSON.parse(await readFile(schema, 'utf8')) }
	const flow = YAML.parse(await readFile(from, 'utf8'))
	if (!flow?.schema) fail(`${from} has no schema`)
	return { summary: flow.summary, description: flow.description, schema: flow.schema }
}

// The built page, the flow it asks for, and an answer to any API call (the
// harness makes none itself; whatever a component asks is logged and gets []).
function serve(dist, flow, apiCalls) {
	const server = createServer(async (request, response) => {
		const path = decodeURIComponent(new URL(request.url, 'http://x').pathname)
		if (path === '/flow.json') {
			response.writeHead(200, { 'content-type': 'application/json' })
			return response.end(JSON.stringify(flow))
		}
		if (path.startsWith('/api/')) {
			apiCalls.push(`${request.method} ${path}`)
			response.writeHead(200, { 'content-type': 'application/json' })
			return response.end('[]')
		}
		const file = resolve(dist, '.' + (path === '/' ? '/index.html' : path))
		if (!file.startsWith(dist + sep)) return response.writeHead(403).end()
		try {
			const body = await readFile(file)
			response.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' })
			response.end(body)
		} catch {
			response.writeHead(404).end()
		}
	})
	return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)))
}

// Runs in the page: finds a field by its key path through the labels shown.
// Each field is an element marked data-schema-picker (ArgInput's root); its
// header's first span is the label, which FieldHeader title-cases word by word.
function pageHelpers() {
	const normal = (text) => text.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase()
	const visible = (el) => el.getClientRects().length > 0
	const fieldOf = (el) => el.parentElement?.closest('[data-schema-picker]') ?? null
	const labelOf = (field) => field.querySelector(':scope > .items-end span')?.textContent ?? ''
	// Elements of this field itself, not of the fields nested in it.
	const own = (field, selector) => [...field.querySelectorAll(selector)].filter((el) => fieldOf(el) === field)
	const children = (scope) =>
		[...(scope ?? document).querySelectorAll('[data-schema-picker]')].filter(
			(field) => fieldOf(field) === scope && visible(field)
		)

	function field(path) {
		let scope = null
		let schema = window.__harness.schema
		for (const key of path.split('.')) {
			const prop = schema?.properties?.[key] ?? schema?.items?.properties?.[key]
			if (!prop) throw new Error(`the schema has no field ${path}`)
			const label = normal(prop.title || key)
			const found = children(scope).filter((f) => normal(labelOf(f)) === label)
			if (found.length === 0) throw new Error(`no visible field labelled "${prop.title || key}" (${path})`)
			scope = found.at(-1)
			schema = prop
		}
		return scope
	}

	function labels() {
		return [...document.querySelectorAll('[data-schema-picker]')]
			.filter(visible)
			.map(labelOf)
			.map((text) => text.trim())
			.filter(Boolean)
	}

	// Red text that says something: ArgInput's line under each field, the JSON
	// editor's parse error, list-shape complaints; not the asterisk a required
	// field's label wears.
	function errors() {
		const red = [...document.querySelectorAll('[class*="text-red-"]')].filter(
			(el) => visible(el) && el.innerText.trim() !== '' && !el.closest('[data-schema-picker] > .items-end')
		)
		return red.filter((el) => !red.some((other) => other !== el && el.contains(other))).map((el) => el.innerText.trim())
	}

	window.__drive = { field, own, labels, errors }
}

// The schema of the field at a key path; items of a list of objects are
// stepped through, so "closure.overrides.pkg" is an override's package.
function schemaAt(schema, path) {
	let prop = schema
	for (const key of path ? path.split('.') : []) {
		prop = prop?.properties?.[key] ?? prop?.items?.properties?.[key]
	}
	return prop
}

// Where ArgInput puts a field's input, below its header (label, type, the
// "json" switch of a list) and description.
const INPUT = ':scope > .space-x-1'

async function ownElements(page, path, selector) {
	const handle = await page.evaluateHandle(
		(p, s) => window.__drive.own(window.__drive.field(p), s),
		path,
		selector
	)
	const props = await handle.getProperties()
	return [...props.values()].map((h) => h.asElement()).filter(Boolean)
}

async function selectAll(page) {
	await page.keyboard.down('Control')
	await page.keyboard.press('a')
	await page.keyboard.up('Control')
}

async function typeInto(page, element, text) {
	await element.click()
	await selectAll(page)
	await page.keyboard.press('Backspace')
	if (text !== '') await page.keyboard.type(text)
}

async function clickButton(page, path, text) {
	for (const button of await ownElements(page, path, 'button')) {
		if ((await button.evaluate((b) => b.innerText.trim())) === text) return button.click()
	}
	throw new Error(`${path} has no "${text}" button`)
}

// Clicks a choice in the open drop-down list, which Windmill renders in a
// portal at the end of the page and unrolls with a short transition.
async function clickOption(page, value) {
	const option = await page
		.waitForFunction(
			(v) =>
				[...document.querySelectorAll('.dropdown-open button')].find(
					(b) => b.getBoundingClientRect().height > 0 && b.innerText.trim() === v
				),
			{ timeout: 5000 },
			value
		)
		.catch(async () => {
			const shown = await page.evaluate(() =>
				[...document.querySelectorAll('.dropdown-open button')].map((b) => b.innerText.trim())
			)
			throw new Error(`no choice "${value}" in the open list (${JSON.stringify(shown)})`)
		})
	await new Promise((done) => setTimeout(done, 250))
	await option.asElement().click()
	// Close the list by clicking beside the form, as a person would, and give
	// it the half second it takes to go: until then its search box takes back
	// the focus from any field clicked.
	await page.mouse.click(5, 5)
	await page.waitForFunction(() => !document.querySelector('.dropdown-open, .dropdown-closed'), { timeout: 5000 })
}

// Monaco takes typed brackets and quotes as cues to insert closing ones; a
// paste goes in as it is, so a JSON text is pasted over the editor's content.
async function pasteJson(page, path, text) {
	const [editor] = await ownElements(page, path, '.monaco-editor')
	if (!editor) throw new Error(`${path} has no JSON editor`)
	await editor.click()
	await selectAll(page)
	await page.evaluate((data) => {
		const clipboard = new DataTransfer()
		clipboard.setData('text/plain', data)
		document.activeElement.dispatchEvent(
			new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true })
		)
	}, text)
}

async function addItem(page, path) {
	const before = (await ownElements(page, path, '[data-schema-picker], input, textarea')).length
	await clickButton(page, path, 'Add item')
	await page.waitForFunction(
		(p, n) => window.__drive.own(window.__drive.field(p), '[data-schema-picker], input, textarea').length > n,
		{ timeout: 5000 },
		path,
		before
	)
}

async function setToggle(page, path, wanted) {
	const [box] = await ownElements(page, path, `${INPUT} input[type=checkbox]`)
	if (!box) throw new Error(`${path} has no toggle`)
	if ((await box.evaluate((el) => el.checked)) === wanted) return
	// The checkbox itself is visually hidden; a person clicks its label.
	const label = await box.evaluateHandle((el) => el.closest('label'))
	await label.asElement().click()
}

// A multi-select: drop the chosen values not wanted, then pick the missing
// ones from its list.
async function setChosen(page, path, wanted) {
	for (const tag of await ownElements(page, path, 'li[role=listitem]')) {
		const text = await tag.evaluate((li) => li.innerText.trim())
		if (!wanted.includes(text)) await (await tag.$('button')).click()
	}
	for (const value of wanted) {
		const chosen = await Promise.all(
			(await ownElements(page, path, 'li[role=listitem]')).map((li) => li.evaluate((el) => el.innerText.trim()))
		)
		if (chosen.includes(value)) continue
		// Open the list by clicking the box beside its chips, not on one (a chip
		// starts a drag) nor on the clear-all cross at its end.
		const [list] = await ownElements(page, path, `${INPUT} ul[role=list], ${INPUT} span.text-hint`)
		const spot = await list.evaluate((el) => {
			el.scrollIntoView({ block: 'center' })
			const box = el.getBoundingClientRect()
			const last = el.querySelector('li:last-child')?.getBoundingClientRect()
			if (!last) return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
			return { x: (last.right + box.right) / 2, y: last.y + last.height / 2 }
		})
		await page.mouse.click(spot.x, spot.y)
		await clickOption(page, value)
		await settle(page)
	}
}

const STEPS = {
	async fill(page, path, value, schema) {
		const prop = schemaAt(schema, path)
		if (!prop) return process.stderr.write(`drive: the schema has no ${path}; skipped\n`)
		if (typeof value === 'function') value = value(prop)
		const type = prop.type
		if (path === '' || (type === 'object' && prop.properties)) {
			for (const [key, item] of Object.entries(value)) {
				await STEPS.fill(page, path ? `${path}.${key}` : key, item, schema)
			}
		} else if (type === 'object' || (type === undefined && typeof value === 'object')) {
			await pasteJson(page, path, JSON.stringify(value))
		} else if (type === 'boolean') {
			await setToggle(page, path, value)
		} else if (type === 'array' && (prop.items?.enum || prop.enum)) {
			await setChosen(page, path, value)
		} else if (type === 'array' && prop.items?.type === 'object' && prop.items.properties) {
			for (const entry of value) {
				await addItem(page, path)
				await settle(page)
				// The new item's fields are the last of their label in this list.
				for (const [key, item] of Object.entries(entry)) {
					await STEPS.fill(page, `${path}.${key}`, item, schema)
				}
			}
		} else if (type === 'array') {
			for (const entry of value) {
				await addItem(page, path)
				const inputs = await ownElements(page, path, 'input:not([type=checkbox]), textarea')
				await typeInto(page, inputs.at(-1), String(entry))
			}
		} else if (prop.enum) {
			const [input] = await ownElements(page, path, 'input[type=text]')
			await input.click()
			await clickOption(page, String(value))
		} else {
			const [input] = await ownElements(page, path, 'input:not([type=checkbox]), textarea')
			if (!input) throw new Error(`${path} has no text box`)
			await typeInto(page, input, String(value))
		}
		await settle(page)
	},
	// As fill, for a field that must be there.
	async set(page, path, value, schema) {
		await STEPS.fill(page, path, value, schema)
	},
	// "Add item", and nothing typed into it.
	async addItem(page, path) {
		await addItem(page, path)
	},
	// Invalid JSON where the field takes JSON: its editor, or for a list the
	// editor its "json" switch turns it into.
	async rawJson(page, path, text) {
		if ((await ownElements(page, path, '.monaco-editor')).length === 0) {
			const [toggle] = await ownElements(page, path, ':scope > .items-end input[type=checkbox]')
			if (!toggle) throw new Error(`${path} takes no JSON`)
			await (await toggle.evaluateHandle((el) => el.closest('label'))).asElement().click()
			await page.waitForFunction(
				(p) => window.__drive.own(window.__drive.field(p), '.monaco-editor .view-lines').length > 0,
				{ timeout: 30000 },
				path
			)
			await settle(page)
		}
		await pasteJson(page, path, text)
	}
}

async function settle(page) {
	// Svelte updates in a microtask, the JSON editors parse on change, and the
	// form's validity follows one effect later: let all of that land.
	await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 100))))
}

async function main() {
	const { values: options } = parseArgs({
		options: {
			scenario: { type: 'string', default: 'defaults' },
			schema: { type: 'string' },
			'schema-from': { type: 'string' },
			screenshot: { type: 'string' },
			dist: { type: 'string', default: process.env.FORM_DIST || join(here, 'dist') },
			chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
			fill: { type: 'string', multiple: true, default: [] },
			verbose: { type: 'boolean', default: false }
		}
	})
	if (!SCENARIOS[options.scenario]) fail(`no scenario ${options.scenario}; there are ${Object.keys(SCENARIOS).join(', ')}`)
	const steps = [...SCENARIOS[options.scenario]]
	for (const fill of options.fill) {
		if (!fill.includes('=')) fail(`--fill takes PATH=VALUE, not ${fill}`)
		const path = fill.slice(0, fill.indexOf('='))
		const text = fill.slice(fill.indexOf('=') + 1)
		let value = text
		try {
			value = JSON.parse(text)
		} catch {}
		steps.push(['set', path, value])
	}
	const flow = await loadFlow(options)
	const apiCalls = []
	const server = await serve(resolve(options.dist), flow, apiCalls)
	const browser = await puppeteer.launch({
		executablePath: options.chromium,
		headless: true,
		// Root in a container: Chromium's sandbox needs user namespaces it may not get.
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu']
	})
	try {
		const page = await browser.newPage()
		await page.setViewport({ width: 1280, height: 900 })
		const pageErrors = []
		page.on('pageerror', (error) => pageErrors.push(String(error)))
		if (options.verbose) page.on('console', (m) => process.stderr.write(`console.${m.type()}: ${m.text()}\n`))

		await page.goto(`http://127.0.0.1:${server.address().port}/`, { waitUntil: 'load' })
		await page.waitForFunction(() => window.__harness?.mounted, { timeout: 60000 }).catch(() => {
			throw new Error(`the page did not mount the form: ${pageErrors.join('; ') || 'no error shown'}`)
		})
		await page.evaluate((schema) => (window.__harness.schema = schema), flow.schema)
		await page.evaluate(pageHelpers)
		// The JSON editors load Monaco lazily, behind a spinner.
		await page.waitForSelector('#run-form-run-button', { timeout: 60000 })
		await page.waitForFunction(() => !document.querySelector('.animate-spin'), { timeout: 60000 })
		await page.waitForNetworkIdle({ idleTime: 300, timeout: 60000 })
		await settle(page)

		if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true })

		for (const [action, path, value] of steps) {
			if (action !== 'fill' && !schemaAt(flow.schema, path)) throw new Error(`the schema has no ${path}`)
			await STEPS[action](page, path, value, flow.schema)
			await settle(page)
		}
		// Leave the last field, as a person reaching for the button does.
		await page.mouse.click(5, 5)
		await settle(page)

		const labels = await page.evaluate(() => window.__drive.labels())
		const errors = await page.evaluate(() => window.__drive.errors())
		const run = await page.$('#run-form-run-button')
		const runEnabled = await run.evaluate((b) => !b.disabled && b.getClientRects().length > 0)
		let submitted = null
		if (runEnabled) {
			await run.click()
			await settle(page)
			const calls = await page.evaluate(() => window.__harness.submissions)
			if (calls.length > 0) submitted = JSON.parse(calls.at(-1).body)
			else process.stderr.write('drive: Run was enabled, but clicking it submitted nothing\n')
		}
		if (apiCalls.length) process.stderr.write(`drive: API calls answered with []: ${apiCalls.join(', ')}\n`)
		if (pageErrors.length) process.stderr.write(`drive: page errors: ${pageErrors.join('; ')}\n`)
		process.stdout.write(JSON.stringify({ submitted, run_enabled: runEnabled, errors, labels }, null, 2) + '\n')
	} finally {
		await browser.close()
		server.close()
	}
}

main().catch((error) => fail(error.stack ?? String(error)))

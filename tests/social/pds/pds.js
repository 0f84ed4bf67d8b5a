// The reference Bluesky PDS for the tests: @atproto/dev-env's network without
// an AppView (a PDS on SQLite plus an in-memory PLC directory), every server
// bound to 127.0.0.1. Prints one JSON line {"url": …} when ready; stops when
// its standard input closes (the test process ending closes it too).
'use strict'

const net = require('node:net')

// dev-env listens on a bare port, which means every interface; tests must
// only ever be reachable from this machine.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const [first] = args
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const callback = args.find((arg) => typeof arg === 'function')
    return listen.call(this, { port: Number(first), host: '127.0.0.1' }, callback)
  }
  if (first && typeof first === 'object' && !first.path) {
    args[0] = { ...first, host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const { TestNetworkNoAppView } = require('@atproto/dev-env')

async function main () {
  const network = await TestNetworkNoAppView.create({})
  const url = network.pds.url.replace('localhost', '127.0.0.1')
  process.stdout.write(JSON.stringify({ url }) + '\n')
  let closing = false
  const close = async () => {
    if (closing) return
    closing = true
    await network.close()
    process.exit(0)
  }
  process.stdin.on('end', close)
  process.stdin.on('close', close)
  process.on('SIGTERM', close)
  process.stdin.resume()
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n')
  process.exit(1)
})

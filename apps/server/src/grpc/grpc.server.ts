import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type handleServerStreamingCall,
  type ServiceDefinition,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import type { EventStore } from '@stepstone/event-store';
import { HealthImplementation } from 'grpc-health-check';
import type protobuf from 'protobufjs';
import { ACTIONS } from '../aws-protocol/actions';
import type { Arns } from '../aws-protocol/arns';
import { iamResourceOf } from '../aws-protocol/iam-resource';
import { AUTHENTICATOR } from '../auth/auth.guard';
import type { Authenticator } from '../auth/authenticator';
import type { RequestContext } from '../aws-protocol/request-context';
import type { ServerConfig } from '../config';
import { ARNS, CONFIG, EVENT_STORE } from '../infrastructure/tokens';
import { authenticateCall, type GrpcCallInfo } from './grpc-call-context';
import { toServiceError } from './grpc-errors';
import { STEPSTONE_SERVICES, loadStepstonePackage, loadStepstoneRoot } from './grpc-protos';
import { unaryAction } from './grpc-unary';
import { pollActivityTasks } from './poll-activity-tasks';
import { streamCall, type StreamCall } from './stream-call';
import { watchExecution } from './watch-execution';
import { watchExecutions } from './watch-executions';

type Message = Record<string, unknown>;

/** The IAM action each stream is authorised as (it reads what that action reads). */
const STREAM_ACTIONS: Readonly<Record<string, string>> = {
  WatchExecution: 'GetExecutionHistory',
  WatchExecutions: 'ListExecutions',
  PollActivityTasks: 'GetActivityTask',
};

const SERVICES = STEPSTONE_SERVICES;

/**
 * The gRPC API (`stepstone.v1`, proto/): in the server's process, on its own port
 * (STEPSTONE_GRPC_PORT) and the HTTP endpoint's host. Every unary RPC is an AWS action
 * dispatched through the ACTIONS table; the streams are fed by the event store's subscription
 * and the activity task queue. Server reflection and grpc.health.v1 are served alongside.
 */
@Injectable()
export class GrpcServer implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Grpc');
  private readonly root: protobuf.Root = loadStepstoneRoot();
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING', ...Object.fromEntries(SERVICES.map((name) => [name, 'NOT_SERVING'])) });
  private server: Server | undefined;

  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(CONFIG) private readonly config: ServerConfig,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /** Binds the port and starts serving; returns the port bound (the configured one, or a free one for 0). */
  async listen(): Promise<number> {
    const packageDefinition = loadStepstonePackage();
    const loaded = loadPackageDefinition(packageDefinition) as unknown as Record<string, Record<string, Record<string, { service: ServiceDefinition }>>>;
    const server = new Server();
    for (const fullName of SERVICES) {
      const [, , name] = fullName.split('.');
      server.addService(loaded.stepstone.v1[name].service, this.implementationOf(fullName));
    }
    new ReflectionService(packageDefinition).addToServer(server);
    this.health.addToServer(server);
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${this.config.grpcPort}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    for (const name of ['', ...SERVICES]) this.health.setStatus(name, 'SERVING');
    console.log(`stepstone gRPC listening on ${host}:${port}`);
    return port;
  }

  /** Before the store closes: open streams are cancelled (clients resume by event id). */
  beforeApplicationShutdown(): void {
    for (const name of ['', ...SERVICES]) this.health.setStatus(name, 'NOT_SERVING');
    this.server?.forceShutdown();
    this.server = undefined;
  }

  private implementationOf(serviceName: string): UntypedServiceImplementation {
    const service = this.root.lookupService(serviceName);
    const implementation: UntypedServiceImplementation = {};
    const fail = (error: unknown) => toServiceError(error, this.root, (unexpected) => this.logError(unexpected));
    for (const method of service.methodsArray) {
      method.resolve();
      if (method.responseStream) {
        implementation[method.name] = this.streamOf(method.name, method.resolvedResponseType!, fail);
        continue;
      }
      const route = Object.prototype.hasOwnProperty.call(ACTIONS, method.name) ? ACTIONS[method.name] : undefined;
      if (!route) throw new Error(`${serviceName}.${method.name} names no AWS action (aws-protocol/actions.ts)`);
      implementation[method.name] = unaryAction(route, method, { commandBus: this.commandBus, queryBus: this.queryBus, authenticator: this.authenticator, arns: this.arns, fail });
    }
    return implementation;
  }

  /** The server streams, by RPC name: each authenticates, then runs until done, failed or cancelled. */
  private streamOf(name: string, responseType: protobuf.Type, fail: (error: unknown) => Partial<ServiceError>): handleServerStreamingCall<Message, Message> {
    const deps = { store: this.store, queryBus: this.queryBus, arns: this.arns };
    const streams: Record<string, (request: Message, call: StreamCall<Message>, context: RequestContext) => Promise<void>> = {
      WatchExecution: (request, call) => watchExecution(request, call, { ...deps, historyEventType: responseType }),
      WatchExecutions: (request, call) => watchExecutions(request, call, { ...deps, statusChangeType: responseType }),
      PollActivityTasks: (request, call, context) => pollActivityTasks(request, context, call, this.commandBus),
    };
    const run = Object.prototype.hasOwnProperty.call(streams, name) ? streams[name] : undefined;
    if (!run) throw new Error(`no implementation for the stream ${name}`);
    return (call) => {
      const stream = streamCall(call);
      Promise.resolve()
        .then(() => this.authorizeStream(name, call))
        .then((context) => run(call.request, stream, context))
        .then(
          () => stream.end(),
          (error: unknown) => stream.fail(fail(error)),
        );
    };
  }

  /** A stream is authorised as the AWS action that reads the same thing, on the resource its request names. */
  private authorizeStream(name: string, call: GrpcCallInfo & { readonly request: Message }): RequestContext {
    const { identity, context } = authenticateCall(this.authenticator, call);
    const action = STREAM_ACTIONS[name] ?? name;
    this.authenticator.authorize(identity, `states:${action}`, iamResourceOf(action, call.request, this.arns));
    return context;
  }

  private logError(error: unknown): void {
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

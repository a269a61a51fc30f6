/**
 * The models trained in horizontal federated learning and their math: {@link
 * io.fedge.federation.model.Table} (dense data in primitive arrays), {@link
 * io.fedge.federation.model.Scaler} (standardisation fit from summable moments), {@link
 * io.fedge.federation.model.Models} (logistic, softmax, MLP, each a flat parameter vector), {@link
 * io.fedge.federation.model.LocalTrainer} (mini-batch SGD with L2 and the FedProx term) and {@link
 * io.fedge.federation.model.Metrics} (AUC, KS, lift, accuracy, log-loss, ROC).
 */
package io.fedge.federation.model;
